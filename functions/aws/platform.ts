import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../../domain/ports/clock.ts';
import { SandboxCommandHandler } from '../../domain/services/command-handler.ts';
import { IdleCheck } from '../../domain/services/idle-check.ts';
import { SandboxLifecycle } from '../../domain/services/lifecycle.ts';
import { SandboxProjector } from '../../domain/services/projector.ts';
import { SandboxService } from '../../domain/services/sandbox-service.ts';
import { AgentTokens } from '../adapters/aws/agent-tokens.ts';
import { DynamoDBActivityStore } from '../adapters/aws/dynamodb-activity-store.ts';
import { DynamoDBEventStore } from '../adapters/aws/dynamodb-event-store.ts';
import { DynamoDBNameRegistry } from '../adapters/aws/dynamodb-name-registry.ts';
import { DynamoDBSandboxViews } from '../adapters/aws/dynamodb-sandbox-views.ts';
import { DynamoDBSchedulerState } from '../adapters/aws/dynamodb-scheduler-state.ts';
import { EbsSnapshotStore } from '../adapters/aws/ebs-snapshot-store.ts';
import { Ec2SnapshotGateway } from '../adapters/aws/ec2-snapshot-gateway.ts';
import {
  DEFAULT_ECS_WAITS,
  EcsSandboxRuntime,
  type EcsWaits,
} from '../adapters/aws/ecs-sandbox-runtime.ts';
import { EcsTaskRunner } from '../adapters/aws/ecs-task-runner.ts';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.ts';
import {
  type AgentUrlOf,
  SandboxAgents,
} from '../adapters/aws/sandbox-agents.ts';
import type { HandlerEnv } from '../handlers/env.ts';
import { type AwsTransferOptions, awsTransfers } from './transfers.ts';

/** The SDK clients, one each per process; tests pass moto's. */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  ec2: EC2Client;
  ecs: ECSClient;
  eventbridge: EventBridgeClient;
  secrets: SecretsManagerClient;
}

export interface AwsPlatformOptions extends AwsTransferOptions {
  clients?: AwsClients;
  clock?: Clock;
  /** Where a task's agent answers; default its private IP (tests: local). */
  agentUrlOf?: AgentUrlOf;
  waits?: EcsWaits;
}

/** The names the task definition gives its container and volume. */
export const SANDBOX_CONTAINER = 'sandbox';
export const SANDBOX_VOLUME = 'sandbox';

const hexId = (prefix: string) => () =>
  `${prefix}-${randomBytes(8).toString('hex')}`;

/**
 * The platform as the Lambda handlers run it: the same domain services
 * as `npm start`, on DynamoDB, ECS tasks, EBS snapshots and EventBridge.
 * Side effects do not run after each commit here: the lifecycle handler
 * runs them from the events table's stream, so a command answers with
 * its intent (a sandbox `starting`) and the stream carries it out.
 */
export function createAwsPlatform(
  env: HandlerEnv,
  options: AwsPlatformOptions = {},
) {
  const clients = options.clients ?? defaultClients();
  const log = new Logger({ serviceName: 'auteryn', logLevel: env.LOG_LEVEL });
  const clock = options.clock ?? { now: () => new Date() };
  const ids = { sandboxId: hexId('sbx'), snapshotId: hexId('snap') };

  const { dynamodb } = clients;
  const events = new DynamoDBEventStore(dynamodb, env.EVENTS_TABLE);
  const views = new DynamoDBSandboxViews(dynamodb, env.SANDBOXES_TABLE);
  const names = new DynamoDBNameRegistry(dynamodb, env.NAMES_TABLE);
  const activity = new DynamoDBActivityStore(dynamodb, env.ACTIVITY_TABLE);
  const schedulerState = new DynamoDBSchedulerState(
    dynamodb,
    env.SCHEDULES_TABLE,
  );

  const runner = new EcsTaskRunner(clients.ecs, clients.ec2, {
    cluster: env.CLUSTER_ARN,
    managedBy: env.DEPLOYMENT_ID,
    taskDefinition: env.TASK_DEFINITION_ARN,
    subnets: env.SUBNET_IDS,
    securityGroups: [env.SANDBOX_SECURITY_GROUP_ID],
    infrastructureRoleArn: env.INFRASTRUCTURE_ROLE_ARN,
    kmsKeyId: env.KMS_KEY_ARN,
    capacityProvider: env.CAPACITY_PROVIDER,
    containerName: SANDBOX_CONTAINER,
    volumeName: SANDBOX_VOLUME,
  });
  const tokens = new AgentTokens(clients.secrets, env.AGENT_SECRET_ARN);
  const agents = new SandboxAgents(runner, tokens, {
    agentPort: env.AGENT_PORT,
    agentUrlOf: options.agentUrlOf,
  });
  const runtime = new EcsSandboxRuntime(
    runner,
    agents,
    tokens,
    log,
    options.waits ?? DEFAULT_ECS_WAITS,
  );
  const gateway = new Ec2SnapshotGateway(clients.ec2, env.DEPLOYMENT_ID);
  const store = new EbsSnapshotStore(gateway, runner, runtime, activity);

  const projector = new SandboxProjector(events, views);
  const handler = new SandboxCommandHandler(events, views, projector, clock);
  const core = {
    clients,
    handler,
    events,
    names,
    gateway,
    store,
    clock,
    log,
    ids,
  };
  const transfers = awsTransfers(core, env, options);
  const lifecycle = new SandboxLifecycle({
    handler,
    runtime,
    snapshots: store,
    names,
    activity,
    ids,
    clock,
    log,
    exporter: transfers.exporter,
  });
  const sandboxes = new SandboxService(
    handler,
    views,
    events,
    names,
    runtime,
    ids,
    async () => undefined,
  );
  const sleep = (ms: number) =>
    new Promise<void>((done) => setTimeout(done, ms));

  return {
    env,
    log,
    clock,
    sleep,
    clients,
    events,
    views,
    names,
    activity,
    schedulerState,
    runner,
    runtime,
    gateway,
    store,
    projector,
    handler,
    lifecycle,
    sandboxes,
    ids,
    transfers,
    idleCheck: new IdleCheck({
      views,
      runtime,
      activity,
      handler,
      clock,
      log,
    }),
    publisher: new EventBridgePublisher(
      clients.eventbridge,
      env.EVENT_BUS_NAME,
      'auteryn',
    ),
  };
}

export type AwsPlatform = ReturnType<typeof createAwsPlatform>;

/** What the transfers are built from, before the lifecycle. */
export interface AwsPlatformCore {
  clients: AwsClients;
  handler: SandboxCommandHandler;
  events: DynamoDBEventStore;
  names: DynamoDBNameRegistry;
  gateway: Ec2SnapshotGateway;
  store: EbsSnapshotStore;
  clock: Clock;
  log: Logger;
  ids: { sandboxId(): string; snapshotId(): string };
}

/** Each reads its region, credentials and endpoint from the environment. */
function defaultClients(): AwsClients {
  return {
    dynamodb: new DynamoDBClient({}),
    ec2: new EC2Client({}),
    ecs: new ECSClient({}),
    eventbridge: new EventBridgeClient({}),
    secrets: new SecretsManagerClient({}),
  };
}
