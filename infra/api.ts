import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PlatformConfig } from './platform-config.ts';

// A steady rate and a burst per account caller stay well under the HTTP
// API's regional default (10 000 rps, API Gateway quotas).
const THROTTLE = { rateLimit: 200, burstLimit: 400 };

// One JSON line per request, with the IAM caller (the tenant).
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  caller: '$context.identity.userArn',
  account: '$context.identity.accountId',
  ip: '$context.identity.sourceIp',
  route: '$context.routeKey',
  status: '$context.status',
  bytes: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
};

/**
 * The HTTP API in front of the api handler. Every route requires a SigV4
 * signature that IAM accepts: `ANY /v1/{proxy+}` sends the whole v1 tree
 * to the one Hono app (its router answers unknown paths with problem+json
 * 404s, as locally), and `GET /openapi.json` serves the document.
 */
export class PlatformApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;

  constructor(
    scope: Construct,
    id: string,
    props: { handler: lambda.IFunction; key: kms.IKey; config: PlatformConfig },
  ) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Auteryn HTTP API v1 (IAM-authorized)',
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });

    const integration = new HttpLambdaIntegration('App', props.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    this.api.addRoutes({
      path: '/v1/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration,
    });
    this.api.addRoutes({
      path: '/openapi.json',
      methods: [apigw.HttpMethod.GET],
      integration,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      encryptionKey: props.key,
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  /** The base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  get url(): string {
    return this.stage.url;
  }
}
