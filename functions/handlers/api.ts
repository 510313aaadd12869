import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  Context,
} from 'aws-lambda';
import { createLambdaHandler } from '../api/lambda.ts';
import { createAwsApi } from '../aws/api-app.ts';
import type { AwsPlatform } from '../aws/platform.ts';
import { platformOfProcess } from './platform.ts';

/** The HTTP API v1 behind API Gateway, callers known by their IAM role. */
export const createApiHandler = (platform: AwsPlatform) =>
  createLambdaHandler(createAwsApi(platform));

let serve: ReturnType<typeof createApiHandler> | undefined;

export const handler = (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
) => {
  serve ??= createApiHandler(platformOfProcess());
  return serve(event, context);
};
