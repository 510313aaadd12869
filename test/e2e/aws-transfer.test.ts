import {
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SIZES } from '../../domain/sandbox/sizes.ts';
import {
  ensureTables,
  tableNames,
} from '../../functions/adapters/aws/tables.ts';
import { objectStoreAt } from '../../functions/adapters/object-store-at.ts';
import { tenantFromIamCaller } from '../../functions/api/lambda.ts';
import {
  type AwsPlatform,
  createAwsPlatform,
} from '../../functions/aws/platform.ts';
import { createApiHandler } from '../../functions/handlers/api.ts';
import { readHandlerEnv } from '../../functions/handlers/env.ts';
import { ALICE, httpApiEvent } from '../fixtures/api-gateway-v2.ts';
import { useMoto } from '../support/moto.ts';

const EAST = 'us-east-1';
const WEST = 'us-west-2';
const ACCOUNT = '123456789012';
const BUCKET = `auteryn-west-exports-${Date.now()}`;

/**
 * The AWS path of an export, all through moto: the source's EBS
 * snapshot copied to the target region with CopySnapshot, the package
 * (manifest and events) in the target deployment's bucket, and the
 * target's import taking the copy over as its new sandbox's snapshot.
 * No task runs here: the sandbox and its snapshot are made with the
 * platform's own commands and a real EBS snapshot of a moto volume.
 */
describe('export and import between AWS regions, through moto', () => {
  const moto = useMoto({ region: EAST });
  let east: AwsPlatform;
  let west: AwsPlatform;
  let westEc2: EC2Client;
  let location = '';
  const tenantId = tenantFromIamCaller({
    event: { requestContext: { authorizer: { iam: ALICE } } },
  });

  const deploymentIn = (region: string) => `auteryn-${region}`;
  const platformIn = async (region: string) => {
    const tables = tableNames(`xr${region.replace(/-/g, '')}${Date.now()}`);
    await ensureTables(moto.dynamodb, tables);
    const secret = await moto.secrets.send(
      new CreateSecretCommand({ Name: `key-${region}`, SecretString: 'k' }),
    );
    const env = readHandlerEnv({
      EVENTS_TABLE: tables.events,
      SANDBOXES_TABLE: tables.sandboxes,
      NAMES_TABLE: tables.names,
      ACTIVITY_TABLE: tables.activity,
      SCHEDULES_TABLE: tables.schedules,
      TRANSFERS_TABLE: tables.transfers,
      EVENT_BUS_NAME: 'default',
      CLUSTER_ARN: `arn:aws:ecs:${region}:${ACCOUNT}:cluster/c`,
      TASK_DEFINITION_ARN: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/t:1`,
      CAPACITY_PROVIDER: 'cp',
      SUBNET_IDS: 'subnet-1',
      SANDBOX_SECURITY_GROUP_ID: 'sg-1',
      INFRASTRUCTURE_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/infra`,
      KMS_KEY_ARN: `arn:aws:kms:${region}:${ACCOUNT}:key/k`,
      EXPORT_BUCKET: BUCKET,
      AGENT_SECRET_ARN: secret.ARN,
      SANDBOX_SIZES: JSON.stringify(SANDBOX_SIZES),
      AUTERYN_REGION: region,
      // Two deployments, each tagging what it manages with its own id.
      DEPLOYMENT_ID: deploymentIn(region),
      EXPORT_DEPLOYMENTS: JSON.stringify({ [WEST]: deploymentIn(WEST) }),
      EXPORT_TARGETS: JSON.stringify({ [WEST]: `s3://${BUCKET}/exports` }),
      LOG_LEVEL: 'ERROR',
    });
    const ec2 = region === EAST ? moto.ec2 : westEc2;
    return createAwsPlatform(env, {
      clients: {
        dynamodb: moto.dynamodb,
        ec2,
        ecs: moto.ecs,
        eventbridge: moto.eventBridge,
        secrets: moto.secrets,
      },
      ec2In: (other) => (other === EAST ? moto.ec2 : westEc2),
      s3: moto.s3,
    });
  };

  const call = async (
    platform: AwsPlatform,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const response = await createApiHandler(platform)(
      httpApiEvent({
        method,
        path,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      { awsRequestId: 'api' } as Context,
    );
    return { status: response.statusCode, json: JSON.parse(response.body) };
  };

  beforeAll(async () => {
    westEc2 = moto.ec2In(WEST);
    await moto.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    east = await platformIn(EAST);
    west = await platformIn(WEST);
  });

  it('copies the EBS snapshot to the target region and writes the package there', async () => {
    const sandboxId = 'sbx-0123456789abcdef';
    await east.handler.execute(sandboxId, {
      type: 'CreateSandbox',
      data: {
        sandboxId,
        tenantId,
        name: 'travelling',
        size: 'small',
        autoShutdown: true,
        shutdownAfter: '1h',
        idleCpuPercent: 5,
        image: 'host',
        snapshotRetention: { retention: '7d', maxSnapshots: 100 },
      },
    });
    const volume = await moto.ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: `${EAST}a`, Size: 10 }),
    );
    const snapshotId = 'snap-before-move';
    const { providerId } = await east.gateway.create({
      volumeId: volume.VolumeId as string,
      sandboxId,
      snapshotId,
      tenantId,
      kind: 'manual',
    });
    await east.handler.execute(sandboxId, {
      type: 'RequestSnapshot',
      data: { snapshotId, name: 'before-move', kind: 'manual' },
    });
    await east.handler.execute(sandboxId, {
      type: 'RecordSnapshotCompleted',
      data: {
        snapshotId,
        providerId,
        sizeBytes: 1,
        changedBytes: 0,
        fileCount: 0,
      },
    });

    const asked = await call(
      east,
      'POST',
      `/v1/sandboxes/${sandboxId}/exports`,
      {
        targetRegion: WEST,
        snapshot: 'before-move',
      },
    );
    expect(asked.status).toBe(202);
    // What the lifecycle handler does when SandboxExportRequested arrives.
    await east.transfers.exporter(asked.json.id);

    const done = await call(east, 'GET', `/v1/exports/${asked.json.id}`);
    expect(done.json).toMatchObject({
      status: 'completed',
      targetRegion: WEST,
    });
    location = done.json.location;
    expect(location).toBe(`s3://${BUCKET}/exports/${asked.json.id}`);

    const copies = await westEc2.send(
      new DescribeSnapshotsCommand({
        Filters: [
          { Name: 'tag:auteryn:copy-of', Values: [`${EAST}/${providerId}`] },
        ],
      }),
    );
    expect(copies.Snapshots).toHaveLength(1);
    // Tagged for the deployment there, whose IAM lets it take the copy.
    expect(copies.Snapshots?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'auteryn:managed', Value: deploymentIn(WEST) },
      ]),
    );
    const keys = (await objectStoreAt(location, { s3: moto.s3 }).list()).map(
      (o) => o.key,
    );
    expect(keys).toEqual(['events.jsonl', 'manifest.json']);
  });

  it('imports it in the target region, taking over the copy', async () => {
    const imported = await call(west, 'POST', '/v1/imports', {
      source: location,
    });
    expect(imported.status).toBe(202);
    expect(imported.json).toMatchObject({
      status: 'completed',
      sourceRegion: EAST,
    });

    const { sandboxId } = imported.json;
    const sandbox = await call(west, 'GET', `/v1/sandboxes/${sandboxId}`);
    expect(sandbox.json).toMatchObject({
      name: 'travelling',
      status: 'stopped',
    });
    const [snapshot] = (
      await call(west, 'GET', `/v1/sandboxes/${sandboxId}/snapshots`)
    ).json.items;
    expect(snapshot).toMatchObject({
      id: 'snap-before-move',
      name: 'before-move',
    });

    const [copy] =
      (
        await westEc2.send(
          new DescribeSnapshotsCommand({ SnapshotIds: [snapshot.providerId] }),
        )
      ).Snapshots ?? [];
    expect(copy?.Tags).toEqual(
      expect.arrayContaining([{ Key: 'auteryn:sandbox-id', Value: sandboxId }]),
    );
  });

  it('refuses a package whose manifest was changed in the bucket', async () => {
    const store = objectStoreAt(location, { s3: moto.s3 });
    const manifest = await new Response(
      await store.get('manifest.json'),
    ).text();
    const forged = `s3://${BUCKET}/exports/forged`;
    const key = 'exports/forged/manifest.json';
    await moto.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: manifest.replace('"travelling"', '"hijacked"'),
      }),
    );

    const refused = await call(west, 'POST', '/v1/imports', { source: forged });

    expect(refused.status).toBe(400);
    expect(refused.json.detail).toMatch(/checksum does not match/);
  });

  it('refuses an export to a region it has no target for', async () => {
    const answer = await call(
      east,
      'POST',
      '/v1/sandboxes/sbx-0123456789abcdef/exports',
      {
        targetRegion: 'ap-south-1',
      },
    );

    expect(answer.status).toBe(400);
    expect(answer.json.fields).toEqual([
      expect.objectContaining({ field: 'targetRegion' }),
    ]);
  });
});
