import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../domain/errors.ts';
import { Ec2SnapshotGateway } from '../../../functions/adapters/aws/ec2-snapshot-gateway.ts';
import {
  ec2Error,
  type FaultAnswer,
  type FaultServer,
  startFaultServer,
} from '../../support/moto-faults.ts';

// What moto cannot be made to do: refuse a call for a rate limit, or
// report a snapshot still pending (it completes every one at once). A
// loopback server answers in EC2's wire format instead, so the SDK's own
// parsing and the adapter's translation are what is tested.

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function gatewayAnswering(
  answer: (body: string) => FaultAnswer,
): Promise<Ec2SnapshotGateway> {
  server = await startFaultServer((request) => answer(request.body));
  const client = new EC2Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return new Ec2SnapshotGateway(client, 'auteryn-test');
}

const noSnapshots: FaultAnswer = describeAnswer([], undefined);

describe('Ec2SnapshotGateway when EC2 pushes back', () => {
  it.each(['RequestLimitExceeded', 'SnapshotCreationPerVolumeRateExceeded'])(
    'surfaces %s on create as ThrottledError',
    async (code) => {
      const gateway = await gatewayAnswering((body) =>
        body.includes('Action=CreateSnapshot') ? ec2Error(code) : noSnapshots,
      );

      const creating = gateway.create({
        volumeId: 'vol-1',
        sandboxId: 'sbx-1',
        snapshotId: 'snp-1',
        tenantId: 't',
        kind: 'auto',
      });

      const error = await creating.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ThrottledError);
      expect((error as ThrottledError).cause).toMatchObject({ name: code });
    },
  );

  it('surfaces a throttled listing as ThrottledError', async () => {
    const gateway = await gatewayAnswering(() =>
      ec2Error('RequestLimitExceeded'),
    );

    await expect(gateway.listPending()).rejects.toBeInstanceOf(ThrottledError);
  });

  it('lists pending snapshots across every page', async () => {
    const gateway = await gatewayAnswering((body) =>
      body.includes('NextToken=page-2')
        ? describeAnswer(['snap-b'], undefined)
        : describeAnswer(['snap-a'], 'page-2'),
    );

    const pending = await gateway.listPending();

    expect(pending).toEqual([
      expect.objectContaining({
        providerId: 'snap-a',
        state: 'pending',
        progress: 40,
        sandboxId: 'sbx-1',
        kind: 'pre-stop',
      }),
      expect.objectContaining({ providerId: 'snap-b', state: 'pending' }),
    ]);
  });
});

/** A DescribeSnapshots answer with pending snapshots and a next token. */
function describeAnswer(ids: string[], nextToken: string | undefined) {
  const items = ids.map(
    (id) =>
      `<item><snapshotId>${id}</snapshotId><volumeId>vol-1</volumeId>` +
      '<status>pending</status><startTime>2026-12-03T10:00:00.000Z' +
      '</startTime><progress>40%</progress><ownerId>123456789012</ownerId>' +
      '<volumeSize>8</volumeSize><tagSet>' +
      '<item><key>auteryn:sandbox-id</key><value>sbx-1</value></item>' +
      '<item><key>auteryn:kind</key><value>pre-stop</value></item>' +
      '</tagSet></item>',
  );
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      '<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/' +
      '2016-11-15/"><requestId>r</requestId>' +
      `<snapshotSet>${items.join('')}</snapshotSet>` +
      (nextToken ? `<nextToken>${nextToken}</nextToken>` : '') +
      '</DescribeSnapshotsResponse>',
  };
}
