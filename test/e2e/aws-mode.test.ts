import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SIZES } from '../../domain/sandbox/sizes.ts';
import {
  ensureTables,
  tableNames,
} from '../../functions/adapters/aws/tables.ts';
import {
  type AwsPlatform,
  createAwsPlatform,
} from '../../functions/aws/platform.ts';
import { createApiHandler } from '../../functions/handlers/api.ts';
import { createEbsNotificationHandler } from '../../functions/handlers/ebs-notification.ts';
import { readHandlerEnv } from '../../functions/handlers/env.ts';
import { createIdleCheck } from '../../functions/handlers/idle-check.ts';
import { createLifecycleHandler } from '../../functions/handlers/lifecycle.ts';
import { createSnapshotTick } from '../../functions/handlers/snapshot-tick.ts';
import { createStreamProjector } from '../../functions/handlers/stream-projector.ts';
import {
  type AgentProcess,
  SIGNING_KEY,
  startAgentProcess,
} from '../agent/support.ts';
import { httpApiEvent } from '../fixtures/api-gateway-v2.ts';
import { ManualClock } from '../support/clock.ts';
import { TEST_DEPLOYMENT_ID, useMoto } from '../support/moto.ts';
import { inputsOf, recordCommands } from '../support/moto-capture.ts';
import { ecsCluster, volumeEcsWouldMake } from '../support/moto-ecs.ts';
import { streamOf } from '../support/moto-streams.ts';

const ACCOUNT = '123456789012';
const HOLD = { progression: 'manual', times: 1_000_000 } as const;

const lambdaContext = (id: string) =>
  ({
    awsRequestId: id,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/**
 * The platform in AWS mode, every AWS call through moto_server: the API
 * handler, the events table's real DynamoDB stream feeding the
 * projector and the lifecycle handlers, the snapshot tick, EBS
 * notifications and the idle check. ECS runs no container on moto, so
 * each sandbox's agent runs here as a real process on its own folder
 * (the volume), reached where the task's private IP would be; and the
 * EBS volume ECS would attach is made by the fixture, as moto ignores
 * managed volumes.
 */
describe('AWS mode end to end, through moto', () => {
  const moto = useMoto();
  const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));
  const agents = new Map<string, AgentProcess>();
  const volumes = new Map<string, string>();
  let platform: AwsPlatform;
  let pump: () => Promise<void>;
  let api: ReturnType<typeof createApiHandler>;
  let sandboxId = '';

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await api(
      httpApiEvent({
        method,
        path,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      lambdaContext('api'),
    );
    return {
      status: response.statusCode,
      json: JSON.parse(response.body || 'null'),
    };
  };

  const history = async () =>
    (await call('GET', `/v1/sandboxes/${sandboxId}/events`)).json.items.map(
      (e: { type: string }) => e.type,
    ) as string[];

  const notifyCompleted = async (providerId: string) =>
    createEbsNotificationHandler(platform)({
      version: '0',
      id: `ebs-${providerId}`,
      'detail-type': 'EBS Snapshot Notification',
      source: 'aws.ec2',
      account: ACCOUNT,
      time: clock.now().toISOString(),
      region: moto.region,
      resources: [`arn:aws:ec2::${moto.region}:snapshot/${providerId}`],
      detail: {
        event: 'createSnapshot',
        result: 'succeeded',
        cause: '',
        snapshot_id: `arn:aws:ec2::${moto.region}:snapshot/${providerId}`,
        source: `arn:aws:ec2::${moto.region}:volume/vol-x`,
      },
    });

  /** The agent of a sandbox's task, started once it runs. */
  async function agentOf(id: string): Promise<string> {
    const running = agents.get(id);
    if (running) return running.url;

    const root = volumes.get(id) ?? (await mkdtemp(join(tmpdir(), 'vol-')));
    volumes.set(id, root);
    for (const folder of ['code', 'data', 'output', 'logs']) {
      await mkdir(join(root, 'home/agent', folder), { recursive: true });
    }
    if (!(await platform.runner.findVolume(id))) {
      await volumeEcsWouldMake(moto, id, 10);
    }
    const agent = await startAgentProcess(root, { sandboxId: id });
    agents.set(id, agent);
    return agent.url;
  }

  beforeAll(async () => {
    await moto.setTransition('ecs::task', HOLD);
    const tables = tableNames(`e2e${Date.now()}`);
    await ensureTables(moto.dynamodb, tables, { eventsStream: true });
    const ecs = await ecsCluster(moto);
    await moto.eventBridge.send(new CreateEventBusCommand({ Name: 'auteryn' }));
    const secret = await moto.secrets.send(
      new CreateSecretCommand({ Name: 'agent-key', SecretString: SIGNING_KEY }),
    );

    const env = readHandlerEnv({
      EVENTS_TABLE: tables.events,
      SANDBOXES_TABLE: tables.sandboxes,
      NAMES_TABLE: tables.names,
      ACTIVITY_TABLE: tables.activity,
      SCHEDULES_TABLE: tables.schedules,
      TRANSFERS_TABLE: tables.transfers,
      EVENT_BUS_NAME: 'auteryn',
      CLUSTER_ARN: `arn:aws:ecs:${moto.region}:${ACCOUNT}:cluster/${ecs.cluster}`,
      TASK_DEFINITION_ARN: ecs.taskDefinition,
      CAPACITY_PROVIDER: 'auteryn-sandboxes',
      SUBNET_IDS: ecs.subnets.join(','),
      SANDBOX_SECURITY_GROUP_ID: ecs.securityGroups[0],
      INFRASTRUCTURE_ROLE_ARN: ecs.infrastructureRoleArn,
      KMS_KEY_ARN: `arn:aws:kms:${moto.region}:${ACCOUNT}:key/volumes`,
      EXPORT_BUCKET: 'auteryn-exports',
      AGENT_SECRET_ARN: secret.ARN,
      SANDBOX_SIZES: JSON.stringify(SANDBOX_SIZES),
      AUTERYN_REGION: moto.region,
      DEPLOYMENT_ID: TEST_DEPLOYMENT_ID,
      LOG_LEVEL: 'ERROR',
    });
    platform = createAwsPlatform(env, {
      clients: {
        dynamodb: moto.dynamodb,
        ec2: moto.ec2,
        ecs: moto.ecs,
        eventbridge: moto.eventBridge,
        secrets: moto.secrets,
      },
      clock,
      agentUrlOf: ({ sandboxId: id }) => agentOf(id),
      waits: {
        runningMs: 20_000,
        stoppedMs: 20_000,
        healthyMs: 20_000,
        pollMs: 50,
      },
    });
    api = createApiHandler(platform);

    const stream = await streamOf(moto, tables.events);
    const projector = createStreamProjector(platform);
    const lifecycle = createLifecycleHandler(platform);
    // What Lambda's two event source mappings do, until nothing is new.
    pump = async () => {
      for (let round = 0; round < 20; round++) {
        const batch = await stream.next();
        if (batch.Records.length === 0) return;
        const projected = await projector(batch, lambdaContext('p'));
        const reacted = await lifecycle(batch, lambdaContext('l'));
        expect(projected.batchItemFailures).toEqual([]);
        expect(reacted.batchItemFailures).toEqual([]);
      }
      throw new Error('the stream did not settle');
    };
  });

  afterAll(async () => {
    for (const agent of agents.values()) await agent.stop();
    for (const root of volumes.values()) {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('creates a sandbox through the API handler and runs it as a task', async () => {
    const sent = recordCommands(moto.ecs);

    const created = await call('POST', '/v1/sandboxes', {
      name: 'e2e',
      size: 'small',
      shutdownAfter: '1m',
    });
    expect(created.status).toBe(201);
    expect(created.json.status).toBe('starting');
    sandboxId = created.json.id;

    await pump();

    const shown = await call('GET', `/v1/sandboxes/${sandboxId}`);
    expect(shown.json).toMatchObject({
      status: 'running',
      isolation: { mode: 'ecs-task' },
    });
    const [runTask] = inputsOf(sent, 'RunTaskCommand');
    expect(runTask).toMatchObject({ startedBy: sandboxId });
    expect(await history()).toEqual(['SandboxCreated', 'SandboxStarted']);
  });

  it('runs a command in the task through its agent', async () => {
    const ran = await call('POST', `/v1/sandboxes/${sandboxId}/exec`, {
      // Relative: the agent runs unisolated here, cwd in its volume.
      command: 'echo kept > data/note && cat data/note',
    });

    expect(ran.status).toBe(200);
    expect(ran.json).toMatchObject({ exitCode: 0, stdout: 'kept\n' });
  });

  it('snapshots it on the tick with CreateSnapshot, completed by EBS', async () => {
    const sent = recordCommands(moto.ec2);

    const report = await createSnapshotTick(platform)({}, lambdaContext('t'));
    expect(report).toMatchObject({ ran: true, issued: 1 });
    const [create] = inputsOf(sent, 'CreateSnapshotCommand');
    expect(create?.TagSpecifications).toEqual([
      expect.objectContaining({
        ResourceType: 'snapshot',
        Tags: expect.arrayContaining([
          { Key: 'auteryn:sandbox-id', Value: sandboxId },
          { Key: 'auteryn:kind', Value: 'auto' },
        ]),
      }),
    ]);

    await pump();
    const pending = (await call('GET', `/v1/sandboxes/${sandboxId}/snapshots`))
      .json.items[0];
    expect(pending).toMatchObject({ kind: 'auto', status: 'pending' });
    expect(pending.providerId).toMatch(/^snap-/);

    await notifyCompleted(pending.providerId);
    await pump();

    const [snapshot] = (
      await call('GET', `/v1/sandboxes/${sandboxId}/snapshots`)
    ).json.items;
    expect(snapshot).toMatchObject({
      id: pending.id,
      status: 'completed',
      providerId: pending.providerId,
      sizeBytes: 10 * 1024 ** 3,
    });
  });

  it('stops it when idle: StopTask, a pre-stop snapshot, then the volume goes', async () => {
    const ecsSent = recordCommands(moto.ecs);
    await createIdleCheck(platform)({});

    clock.advance(2 * 60_000);
    const report = await createIdleCheck(platform)({});
    expect(report.stopped).toEqual([sandboxId]);

    await pump();
    expect(inputsOf(ecsSent, 'StopTaskCommand')).toHaveLength(1);
    const snapshots = (
      await call('GET', `/v1/sandboxes/${sandboxId}/snapshots`)
    ).json.items;
    const preStop = snapshots.find(
      (s: { kind: string }) => s.kind === 'pre-stop',
    );
    expect(preStop).toMatchObject({ status: 'pending' });
    expect((await call('GET', `/v1/sandboxes/${sandboxId}`)).json.status).toBe(
      'stopping',
    );

    await notifyCompleted(preStop.providerId);
    await pump();

    const stopped = (await call('GET', `/v1/sandboxes/${sandboxId}`)).json;
    expect(stopped).toMatchObject({ status: 'stopped', stoppedReason: 'idle' });
    expect((await history()).slice(-5)).toEqual([
      'SandboxStopRequested',
      'SnapshotRequested',
      'SnapshotStarted',
      'SnapshotCompleted',
      'SandboxStopped',
    ]);
    const left = await moto.ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'tag:auteryn:sandbox-id', Values: [sandboxId] }],
      }),
    );
    expect(left.Volumes ?? []).toEqual([]);
    await agents.get(sandboxId)?.stop();
    agents.delete(sandboxId);
  });

  it('wakes it from its pre-stop snapshot with its files in place', async () => {
    const sent = recordCommands(moto.ecs);
    const snapshots = (
      await call('GET', `/v1/sandboxes/${sandboxId}/snapshots`)
    ).json.items;
    const preStop = snapshots.find(
      (s: { kind: string }) => s.kind === 'pre-stop',
    );

    const started = await call('POST', `/v1/sandboxes/${sandboxId}/start`);
    expect(started.status).toBe(202);
    await pump();

    const [runTask] = inputsOf(sent, 'RunTaskCommand');
    expect(runTask?.volumeConfigurations).toEqual([
      expect.objectContaining({
        managedEBSVolume: expect.objectContaining({
          snapshotId: preStop.providerId,
        }),
      }),
    ]);
    const read = await call('POST', `/v1/sandboxes/${sandboxId}/exec`, {
      command: 'cat data/note',
    });
    expect(read.json.stdout).toBe('kept\n');
  });
});
