import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateEventBusCommand,
  EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import {
  CreateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SANDBOX_SIZES } from '../domain/sandbox/sizes.ts';
import {
  ensureTables,
  type TableNames,
  tableNames,
} from '../functions/adapters/aws/tables.ts';
import {
  type AwsClients,
  type AwsPlatform,
  createAwsPlatform,
} from '../functions/aws/platform.ts';
import {
  type HandlerEnvName,
  readHandlerEnv,
} from '../functions/handlers/env.ts';
import { startMotoServer } from '../test/support/moto-server.ts';
import type { HandlerName } from './handler-bundle.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
const BUS = 'auteryn-bench';

/** The handlers' variables as the environment holds them: text. */
type HandlerEnvInput = Partial<Record<HandlerEnvName, string>>;

/** One handler's own tables and the platform the parent seeds them with. */
export interface HandlerSite {
  tables: TableNames;
  env: HandlerEnvInput;
  platform: AwsPlatform;
}

/** moto_server and what the measured invocations touch. */
export interface HandlerWorld {
  endpoint: string;
  clients: AwsClients;
  /** A snapshot no sandbox owns: no tags of the platform's. */
  unmanagedSnapshotId: string;
  site(name: HandlerName): HandlerSite;
  /** The environment of a measured process: Lambda's, aimed at moto. */
  processEnv(name: HandlerName | 'trivial', home: string): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * Starts moto_server and builds, for each handler, its own tables (so
 * one handler's writes never change another's path), plus the bus,
 * the agent secret and an untagged EBS snapshot they share. No ECS
 * cluster: none of the chosen invocations reaches ECS, so its ARNs are
 * well-formed names of nothing.
 */
export async function startHandlerWorld(
  names: readonly HandlerName[],
): Promise<HandlerWorld> {
  // The lockfile's SDK still supports Node.js 20, with a warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = await startMotoServer();
  const config = {
    endpoint: server.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const clients: AwsClients = {
    dynamodb: new DynamoDBClient(config),
    ec2: new EC2Client(config),
    ecs: new ECSClient(config),
    eventbridge: new EventBridgeClient(config),
    secrets: new SecretsManagerClient(config),
  };

  try {
    await clients.eventbridge.send(new CreateEventBusCommand({ Name: BUS }));
    const secret = await clients.secrets.send(
      new CreateSecretCommand({
        Name: 'auteryn-bench-agent-key',
        SecretString: 'bench-signing-key-'.padEnd(64, 'x'),
      }),
    );
    const unmanagedSnapshotId = await untaggedSnapshot(clients.ec2);

    const sites = new Map<HandlerName, HandlerSite>();
    for (const name of names) {
      const tables = tableNames(`bench-${name}`);
      await ensureTables(clients.dynamodb, tables, { eventsStream: true });
      const env = handlerEnv(tables, secret.ARN as string);
      const platform = createAwsPlatform(readHandlerEnv(env), { clients });
      sites.set(name, { tables, env, platform });
    }

    return {
      endpoint: server.endpoint,
      clients,
      unmanagedSnapshotId,
      site: (name) => {
        const site = sites.get(name);
        if (!site) throw new Error(`no site for ${name}`);
        return site;
      },
      processEnv: (name, home) => ({
        ...(name === 'trivial' ? {} : sites.get(name)?.env),
        ...lambdaLikeEnv(server.endpoint, home),
      }),
      close: async () => {
        for (const client of Object.values(clients)) client.destroy();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * The variables the construct sets, by the schema's names: every table as
 * <KEY>_TABLE (so a table added to TableNames needs nothing here), the
 * rest spelled out. readHandlerEnv checks them, as at a cold start.
 */
function handlerEnv(tables: TableNames, secretArn: string): HandlerEnvInput {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  const tableVariables = Object.entries(tables).map(
    ([key, table]) => [`${key.toUpperCase()}_TABLE`, table] as const,
  );
  return {
    ...Object.fromEntries(tableVariables),
    EVENT_BUS_NAME: BUS,
    CLUSTER_ARN: arn('ecs', 'cluster/auteryn-bench'),
    TASK_DEFINITION_ARN: arn('ecs', 'task-definition/auteryn-bench:1'),
    CAPACITY_PROVIDER: 'auteryn-bench',
    SUBNET_IDS: 'subnet-bench',
    SANDBOX_SECURITY_GROUP_ID: 'sg-bench',
    INFRASTRUCTURE_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/bench`,
    KMS_KEY_ARN: arn('kms', 'key/bench'),
    EXPORT_BUCKET: 'auteryn-bench-exports',
    AGENT_SECRET_ARN: secretArn,
    AGENT_PORT: '7070',
    SNAPSHOT_INTERVAL: '5m',
    IDLE_CHECK_INTERVAL: '1m',
    DEFAULT_RETENTION: '7d',
    DEFAULT_MAX_SNAPSHOTS: '100',
    SANDBOX_SIZES: JSON.stringify(SANDBOX_SIZES),
    AUTERYN_REGION: REGION,
    DEPLOYMENT_ID: 'auteryn-bench',
    LOG_LEVEL: 'ERROR',
  };
}

/**
 * What infra/functions.ts adds to every function's environment, plus what
 * Lambda's runtime sets that the SDK reads (region, credentials), and the
 * endpoint. HOME is a fresh folder so no shared AWS config is read.
 */
function lambdaLikeEnv(endpoint: string, home: string): NodeJS.ProcessEnv {
  return {
    POWERTOOLS_SERVICE_NAME: 'auteryn',
    POWERTOOLS_METRICS_NAMESPACE: 'Auteryn',
    POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    HOME: home,
    PATH: process.env.PATH,
  };
}

async function untaggedSnapshot(ec2: EC2Client): Promise<string> {
  const volume = await ec2.send(
    new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 1 }),
  );
  const snapshot = await ec2.send(
    new CreateSnapshotCommand({ VolumeId: volume.VolumeId }),
  );
  return snapshot.SnapshotId as string;
}
