import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../domain/errors.ts';
import {
  EventBridgePublisher,
  PublishFailedError,
} from '../../../functions/adapters/aws/eventbridge-publisher.ts';
import {
  type FaultAnswer,
  type FaultServer,
  jsonAnswer,
  jsonError,
  startFaultServer,
} from '../../support/moto-faults.ts';

// moto fails an entry only for what is wrong with the entry itself, and
// then on every try: it cannot fail one entry once and take it the next
// time. A loopback server answers PutEvents as EventBridge does under
// load instead (a 200 with FailedEntryCount and per-entry codes), so the
// real SDK parses it and the publisher's retry is what is tested.

interface Sent {
  Entries: { DetailType: string }[];
}

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function publisherAnswering(answer: (sent: Sent) => FaultAnswer) {
  server = await startFaultServer((request) =>
    answer(JSON.parse(request.body) as Sent),
  );
  const client = new EventBridgeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const waits: number[] = [];
  const publisher = new EventBridgePublisher(client, 'bus', 'auteryn', {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 250,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { publisher, waits, sent: () => server?.requests ?? [] };
}

/** Fails the entries whose detail type is in `failing`, once each. */
function failingOnce(failing: Set<string>) {
  return (sent: Sent) => {
    const entries = sent.Entries.map((entry) => {
      if (!failing.delete(entry.DetailType)) return { EventId: 'id' };
      return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
    });
    const failed = entries.filter((entry) => 'ErrorCode' in entry).length;
    return jsonAnswer({ FailedEntryCount: failed, Entries: entries });
  };
}

const entries = ['A', 'B', 'C'].map((detailType) => ({
  detailType,
  detail: {},
}));

describe('EventBridgePublisher retrying failed entries', () => {
  it('sends again only the entries that failed', async () => {
    const { publisher, sent, waits } = await publisherAnswering(
      failingOnce(new Set(['B'])),
    );

    await publisher.publish(entries);

    const calls = sent().map((request) => JSON.parse(request.body) as Sent);
    expect(calls.map((call) => call.Entries.map((e) => e.DetailType))).toEqual([
      ['A', 'B', 'C'],
      ['B'],
    ]);
    expect(waits).toEqual([100]);
  });

  it('gives up after a bounded number of tries, naming what failed', async () => {
    const { publisher, sent, waits } = await publisherAnswering((call) =>
      jsonAnswer({
        FailedEntryCount: call.Entries.length,
        Entries: call.Entries.map(() => ({ ErrorCode: 'InternalFailure' })),
      }),
    );

    const error = await publisher
      .publish(entries.slice(0, 1))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).failed).toEqual([
      expect.objectContaining({ errorCode: 'InternalFailure' }),
    ]);
    expect(sent()).toHaveLength(4);
    expect(waits).toEqual([100, 200, 250]);
  });

  it('surfaces a throttled call as ThrottledError', async () => {
    const { publisher } = await publisherAnswering(() =>
      jsonError('ThrottlingException'),
    );

    await expect(publisher.publish(entries)).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });
});
