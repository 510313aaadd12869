import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DescribeArchiveCommand,
} from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../../domain/errors.ts';
import { entryBytes } from '../../../functions/adapters/aws/eventbridge-batches.ts';
import {
  EventBridgePublisher,
  MAX_BYTES_PER_PUT,
  MAX_ENTRIES_PER_PUT,
  PublishFailedError,
} from '../../../functions/adapters/aws/eventbridge-publisher.ts';
import { useMoto } from '../../support/moto.ts';
import { inputsOf, recordCommands } from '../../support/moto-capture.ts';

describe('EventBridgePublisher on moto_server', () => {
  const moto = useMoto({ resetEachTest: true });
  const publisher = () =>
    new EventBridgePublisher(moto.eventBridge, busName, 'auteryn');

  // A bus and archive of their own per test; an archive with no pattern
  // keeps every event of the bus: what it counts is what EventBridge
  // accepted.
  let busName = '';
  let tests = 0;
  beforeEach(async () => {
    busName = `auteryn-test-${Date.now()}-${++tests}`;
    const bus = await moto.eventBridge.send(
      new CreateEventBusCommand({ Name: busName }),
    );
    await moto.eventBridge.send(
      new CreateArchiveCommand({
        ArchiveName: busName,
        EventSourceArn: bus.EventBusArn,
      }),
    );
  });
  const delivered = async () => {
    const archive = await moto.eventBridge.send(
      new DescribeArchiveCommand({ ArchiveName: busName }),
    );
    return archive.EventCount;
  };

  const events = (count: number, detail: object = {}) =>
    Array.from({ length: count }, (_, index) => ({
      detailType: 'SnapshotCompleted',
      detail: { sandboxId: 'sbx-1', index, ...detail },
      resources: ['arn:aws:ec2:us-east-1::snapshot/snap-1'],
    }));

  it('publishes every event, ten to a call at most', async () => {
    const sent = recordCommands(moto.eventBridge);

    await publisher().publish(events(MAX_ENTRIES_PER_PUT + 2));

    const calls = inputsOf(sent, 'PutEventsCommand');
    expect(calls.map((call) => (call.Entries as unknown[]).length)).toEqual([
      MAX_ENTRIES_PER_PUT,
      2,
    ]);
    expect(await delivered()).toBe(MAX_ENTRIES_PER_PUT + 2);
  });

  it('keeps each call under 256 KB', async () => {
    const sent = recordCommands(moto.eventBridge);
    const bulky = { output: 'x'.repeat(100 * 1024) };

    await publisher().publish(events(3, bulky));

    const calls = inputsOf(sent, 'PutEventsCommand');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const entries = call.Entries as Parameters<typeof entryBytes>[0][];
      const bytes = entries.reduce((sum, e) => sum + entryBytes(e), 0);
      expect(bytes).toBeLessThan(MAX_BYTES_PER_PUT);
    }
    expect(await delivered()).toBe(3);
  });

  it('publishes the rest and names an entry refused for good', async () => {
    const sent = recordCommands(moto.eventBridge);
    // moto refuses an entry without a detail type, as EventBridge does.
    const refused = { detailType: '', detail: { sandboxId: 'sbx-1' } };

    const publishing = publisher().publish([...events(3), refused]);

    const error = await publishing.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).failed).toEqual([
      expect.objectContaining({ entry: refused, errorCode: 'InvalidArgument' }),
    ]);
    expect(inputsOf(sent, 'PutEventsCommand')).toHaveLength(1);
    expect(await delivered()).toBe(3);
  });

  it('refuses an event that could never fit in a call', async () => {
    const huge = events(1, { output: 'x'.repeat(MAX_BYTES_PER_PUT) });

    await expect(publisher().publish(huge)).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(await delivered()).toBe(0);
  });
});
