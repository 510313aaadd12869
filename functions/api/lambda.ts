import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  Context,
} from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { ForbiddenError } from '../../domain/errors.ts';
import type { ApiApp } from './context.ts';

/**
 * The same Hono app behind API Gateway HTTP API (payload format 2.0).
 * Binary bodies (file downloads) are base64-encoded by the adapter.
 */
export function createLambdaHandler(app: ApiApp) {
  const serve = handle(app);
  // AWS omits `body` when there is none; Hono's type wants null there.
  return (event: APIGatewayProxyEventV2WithIAMAuthorizer, context?: Context) =>
    serve(
      { ...event, body: event.body ?? null } as unknown as LambdaEvent,
      context as never,
    );
}

interface IamCaller {
  accountId?: string;
  userId?: string;
}

/**
 * The tenant of a request signed with SigV4 and checked by API Gateway's
 * IAM authorizer: the caller's account and principal. For an assumed
 * role the user id is `ROLEID:session`; the session part is dropped so
 * that every session of one role shares its sandboxes.
 */
export function tenantFromIamCaller(env: unknown): string {
  const iam = (
    env as {
      event?: { requestContext?: { authorizer?: { iam?: IamCaller } } };
    }
  )?.event?.requestContext?.authorizer?.iam;
  if (!iam?.accountId || !iam.userId) {
    throw new ForbiddenError(
      'the request carries no IAM caller: sign it with SigV4 and call ' +
        'the API through its IAM-authorized routes',
    );
  }

  const principal = iam.userId.split(':')[0];
  return `${iam.accountId}:${principal}`;
}
