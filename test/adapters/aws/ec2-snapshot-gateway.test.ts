import {
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_FILTER_VALUES } from '../../../functions/adapters/aws/ec2-limits.ts';
import { Ec2SnapshotGateway } from '../../../functions/adapters/aws/ec2-snapshot-gateway.ts';
import { TEST_DEPLOYMENT_ID, useMoto } from '../../support/moto.ts';
import { inputsOf, recordCommands } from '../../support/moto-capture.ts';

describe('Ec2SnapshotGateway on moto_server', () => {
  const moto = useMoto({ resetEachTest: true });
  const gateway = (deployment = TEST_DEPLOYMENT_ID) =>
    new Ec2SnapshotGateway(moto.ec2, deployment);

  // Ids of their own per test, so the suite also holds on an endpoint
  // that is not reset between tests (AWS_ENDPOINT_URL).
  let sandboxId = '';
  let snapshotId = '';
  let tests = 0;
  beforeEach(() => {
    tests++;
    sandboxId = `sbx-${Date.now()}-${tests}`;
    snapshotId = `snp-${Date.now()}-${tests}`;
  });

  async function volume(): Promise<string> {
    const created = await moto.ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8 }),
    );
    return created.VolumeId as string;
  }

  const request = (volumeId: string, id = snapshotId) => ({
    volumeId,
    sandboxId,
    snapshotId: id,
    tenantId: 'tenant-a',
    kind: 'auto' as const,
  });

  it('creates a snapshot tagged in the same call and finds it again', async () => {
    const volumeId = await volume();
    const sent = recordCommands(moto.ec2);

    const { providerId } = await gateway().create(request(volumeId));

    const [create, ...others] = inputsOf(sent, 'CreateSnapshotCommand');
    expect(others).toEqual([]);
    expect(create?.TagSpecifications).toEqual([
      {
        ResourceType: 'snapshot',
        Tags: expect.arrayContaining([
          { Key: 'auteryn:sandbox-id', Value: sandboxId },
          { Key: 'auteryn:snapshot-id', Value: snapshotId },
          { Key: 'auteryn:tenant', Value: 'tenant-a' },
          { Key: 'auteryn:kind', Value: 'auto' },
          { Key: 'auteryn:managed', Value: TEST_DEPLOYMENT_ID },
        ]),
      },
    ]);
    expect(inputsOf(sent, 'CreateTagsCommand')).toEqual([]);

    const [found] = await gateway().listForSandbox(sandboxId);
    expect(found).toMatchObject({
      providerId,
      sandboxId,
      snapshotId,
      kind: 'auto',
      volumeSizeGiB: 8,
    });
    expect(['pending', 'completed']).toContain(found?.state);
    expect(Date.parse(found?.startTime ?? '')).not.toBeNaN();
  });

  it('returns the same snapshot when a create is repeated', async () => {
    const volumeId = await volume();

    const first = await gateway().create(request(volumeId));
    const again = await gateway().create(request(volumeId));

    expect(again).toEqual(first);
    expect(await gateway().listForSandbox(sandboxId)).toHaveLength(1);
  });

  it('leaves one snapshot when two creates of one id race', async () => {
    const volumeId = await volume();

    const results = await Promise.all([
      gateway().create(request(volumeId)),
      gateway().create(request(volumeId)),
    ]);

    expect(results[0]).toEqual(results[1]);
    const left = await gateway().listForSandbox(sandboxId);
    expect(left.map((snapshot) => snapshot.providerId)).toEqual([
      results[0].providerId,
    ]);
  });

  it('keeps snapshots of other platform ids apart', async () => {
    const volumeId = await volume();

    const a = await gateway().create(request(volumeId, `${snapshotId}-a`));
    const b = await gateway().create(request(volumeId, `${snapshotId}-b`));

    expect(a.providerId).not.toBe(b.providerId);
  });

  it('deletes a snapshot, and a second delete is already done', async () => {
    const { providerId } = await gateway().create(request(await volume()));

    await gateway().delete(providerId);
    await gateway().delete(providerId);

    expect(await gateway().describe([providerId])).toEqual([]);
  });

  it('describes many ids in batches within the filter limit', async () => {
    const real = await gateway().create(request(await volume()));
    const absent = Array.from(
      { length: MAX_FILTER_VALUES + 1 },
      (_, index) => `snap-${index.toString(16).padStart(17, '0')}`,
    );
    const sent = recordCommands(moto.ec2);

    const found = await gateway().describe([...absent, real.providerId]);

    expect(found.map((snapshot) => snapshot.providerId)).toEqual([
      real.providerId,
    ]);
    const calls = inputsOf(sent, 'DescribeSnapshotsCommand');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const [filter] = call.Filters as { Values: string[] }[];
      expect(filter?.Values.length).toBeLessThanOrEqual(MAX_FILTER_VALUES);
    }
  });

  it('lists pending managed snapshots with a filtered describe', async () => {
    const sent = recordCommands(moto.ec2);
    await gateway().create(request(await volume()));

    // moto reports every snapshot completed at once: what this shows is
    // the request (and that completed ones are left out); pending ones
    // across pages are in ec2-snapshot-faults.test.ts.
    expect(await gateway().listPending()).toEqual([]);
    const [listing] = inputsOf(sent, 'DescribeSnapshotsCommand').slice(-1);
    expect(listing).toMatchObject({
      OwnerIds: ['self'],
      Filters: [
        { Name: 'status', Values: ['pending'] },
        { Name: 'tag:auteryn:managed', Values: [TEST_DEPLOYMENT_ID] },
      ],
    });
  });

  it('copies a snapshot into another region with its tags', async () => {
    const source = await gateway().create(request(await volume()));
    const target = new Ec2SnapshotGateway(
      moto.ec2In('eu-west-1'),
      TEST_DEPLOYMENT_ID,
    );
    const copyInput = {
      providerId: source.providerId,
      sourceRegion: 'us-east-1',
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/copy',
      tags: {
        'auteryn:sandbox-id': sandboxId,
        'auteryn:managed': TEST_DEPLOYMENT_ID,
      },
    };

    const copy = await target.copy(copyInput);
    const again = await target.copy(copyInput);

    expect(again).toEqual(copy);
    const [landed] = await target.listForSandbox(sandboxId);
    expect(landed?.providerId).toBe(copy.providerId);
    const described = await moto
      .ec2In('eu-west-1')
      .send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.providerId] }));
    const snapshot = described.Snapshots?.[0];
    expect(snapshot?.Encrypted).toBe(true);
    expect(snapshot?.KmsKeyId).toBe(copyInput.kmsKeyId);
    expect(snapshot?.Tags).toContainEqual({
      Key: 'auteryn:copy-of',
      Value: `us-east-1/${source.providerId}`,
    });
    expect(await gateway().listForSandbox(sandboxId)).toHaveLength(1);
  });
});
