import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../../domain/errors.ts';
import type { Commit, StoredEvent } from '../../../domain/ports/event-store.ts';
import { DynamoDBEventStore } from '../../../functions/adapters/aws/dynamodb-event-store.ts';
import {
  type DynamoDBContext,
  dynamoDBBackends,
  race,
} from '../../support/moto-dynamodb.ts';

const event = (version: number, data: unknown = { n: version }) =>
  ({
    type: 'Tested',
    data,
    at: '2026-12-03T10:00:00.000Z',
    version,
  }) satisfies StoredEvent;

async function readAll(store: DynamoDBEventStore, streamId: string) {
  const commits: Commit[] = [];
  for await (const commit of store.read(streamId)) commits.push(commit);
  return commits;
}

function eventStoreContract(use: () => DynamoDBContext, atomicWrites: boolean) {
  const context = use();
  const store = () =>
    new DynamoDBEventStore(context.db.client, context.tables.events);

  it('appends commits and reads them back in order', async () => {
    await store().append('s-order', 0, [event(1), event(2)]);
    await store().append('s-order', 1, [event(3)]);

    const commits = await readAll(store(), 's-order');
    expect(commits.map((commit) => commit.revision)).toEqual([1, 2]);
    expect(commits.flatMap((c) => c.events.map((e) => e.version))).toEqual([
      1, 2, 3,
    ]);
  });

  it('reads only the tail after a revision', async () => {
    for (let revision = 0; revision < 5; revision++) {
      await store().append('s-tail', revision, [event(revision + 1)]);
    }
    const tail: number[] = [];
    for await (const commit of store().read('s-tail', 3)) {
      tail.push(commit.revision);
    }
    expect(tail).toEqual([4, 5]);
  });

  it('lets exactly one of two writers at the same revision win', async () => {
    await store().append('s-race', 0, [event(1)]);

    const results = await race(atomicWrites, [
      () => store().append('s-race', 1, [event(2, 'a')]),
      () => store().append('s-race', 1, [event(2, 'b')]),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await readAll(store(), 's-race')).toHaveLength(2);
  });

  it('refuses a stale writer even when its commit would be larger', async () => {
    await store().append('s-stale', 0, [event(1), event(2), event(3)]);
    await expect(
      store().append('s-stale', 0, [event(1), event(2)]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('reads a stream that spans several 1 MB query pages', async () => {
    const bulky = 'x'.repeat(200 * 1024);
    const commits = 12; // 12 x 200 KB: at least three pages of 1 MB
    for (let revision = 0; revision < commits; revision++) {
      await store().append('s-pages', revision, [
        event(revision + 1, { bulky }),
      ]);
    }

    const read = await readAll(store(), 's-pages');
    expect(read.map((commit) => commit.revision)).toEqual(
      Array.from({ length: commits }, (_, index) => index + 1),
    );
    expect(read.every((c) => c.events[0]?.data)).toBe(true);
  });
}

for (const { name, use, atomicWrites } of dynamoDBBackends) {
  describe(`DynamoDBEventStore on ${name}`, () =>
    eventStoreContract(use, atomicWrites));
}
