import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type MotoServer, startMotoServer } from './moto-server.ts';

const DEFAULT_REGION = 'us-east-1';

/** The deployment id (`auteryn:managed` value) the AWS tests run as. */
export const TEST_DEPLOYMENT_ID = 'auteryn-test';

export interface UseMotoOptions {
  /** POST /moto-api/reset before each test. Default: false. */
  resetEachTest?: boolean;
  /** Region of the ready-made clients. Default: AWS_REGION or us-east-1. */
  region?: string;
}

/** What a suite gets: the endpoint and SDK clients aimed at it. */
export interface MotoContext {
  endpoint: string;
  region: string;
  /**
   * True when the endpoint is the moto_server this harness started, so
   * its /moto-api (reset, state transitions) is there; false when
   * AWS_ENDPOINT_URL points at LocalStack or an account.
   */
  emulated: boolean;
  ec2: EC2Client;
  ecs: ECSClient;
  eventBridge: EventBridgeClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  dynamodbStreams: DynamoDBStreamsClient;
  secrets: SecretsManagerClient;
  /** An EC2 client of another region (cross-region copies). */
  ec2In(region: string): EC2Client;
  /** Clears every resource (moto only; elsewhere it does nothing). */
  reset(): Promise<void>;
  /**
   * Sets a moto state-manager transition, e.g. for `ecs::task` (moto
   * only; elsewhere states move as the real service moves them).
   */
  setTransition(model: string, transition: MotoTransition): Promise<void>;
}

export type MotoTransition =
  | { progression: 'immediate' }
  | { progression: 'manual'; times: number }
  | { progression: 'time'; seconds: number };

/**
 * One moto_server per test file: started before the suite on a free port
 * of 127.0.0.1, killed after it. With AWS_ENDPOINT_URL set, the suite
 * runs against that endpoint instead (LocalStack or a real account),
 * nothing is started and nothing is reset. Without moto installed the
 * suite fails with a message naming `.ci/install-moto.sh`.
 */
export function useMoto(options: UseMotoOptions = {}): MotoContext {
  const context = {} as MotoContext;
  let server: MotoServer | undefined;
  const built: { destroy(): void }[] = [];

  beforeAll(async () => {
    // The lockfile pins SDK releases that still support Node.js 20.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

    const external = process.env.AWS_ENDPOINT_URL;
    if (!external) server = await startMotoServer();
    const endpoint = external ?? (server as MotoServer).endpoint;
    const region = options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
    const make = <T extends { destroy(): void }>(client: T): T => {
      built.push(client);
      return client;
    };
    const base = (clientRegion: string) => clientConfig(endpoint, clientRegion);

    Object.assign(context, {
      endpoint,
      region,
      emulated: !external,
      ec2: make(new EC2Client(base(region))),
      ecs: make(new ECSClient(base(region))),
      eventBridge: make(new EventBridgeClient(base(region))),
      s3: make(new S3Client({ ...base(region), ...S3_FOR_EMULATORS })),
      dynamodb: make(new DynamoDBClient(base(region))),
      dynamodbStreams: make(new DynamoDBStreamsClient(base(region))),
      secrets: make(new SecretsManagerClient(base(region))),
      ec2In: (other: string) => make(new EC2Client(base(other))),
      reset: () => (external ? Promise.resolve() : motoApi(endpoint, 'reset')),
      setTransition: (model: string, transition: MotoTransition) =>
        external
          ? Promise.resolve()
          : motoApi(endpoint, 'state-manager/set-transition', {
              model_name: model,
              transition,
            }),
    } satisfies MotoContext);
  });

  if (options.resetEachTest) {
    beforeEach(async () => {
      await context.reset();
    });
  }

  afterAll(async () => {
    for (const client of built) client.destroy();
    await server?.stop();
  });

  return context;
}

/**
 * Fake credentials for moto (any key is accepted); the default provider
 * chain when AWS_ENDPOINT_URL points elsewhere and keys are in the env.
 */
function clientConfig(endpoint: string, region: string) {
  const fake = { accessKeyId: 'test', secretAccessKey: 'test' };
  const useEnvironment =
    process.env.AWS_ENDPOINT_URL && process.env.AWS_ACCESS_KEY_ID;
  return {
    endpoint,
    region,
    ...(useEnvironment ? {} : { credentials: fake }),
  };
}

/**
 * Path-style addressing (no bucket subdomains on 127.0.0.1), and
 * checksums only where S3 requires them: emulators mangle streamed
 * bodies sent with the SDK's default flexible checksums.
 */
const S3_FOR_EMULATORS = {
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;

async function motoApi(
  endpoint: string,
  path: string,
  body?: unknown,
): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/${path}`, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`moto-api ${path}: ${response.status}`);
  }
}
