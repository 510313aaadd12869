import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../domain/ports/event-store.ts';
import { SandboxProjector } from '../../../domain/services/projector.ts';
import { DynamoDBActivityStore } from '../../../functions/adapters/aws/dynamodb-activity-store.ts';
import { DynamoDBEventStore } from '../../../functions/adapters/aws/dynamodb-event-store.ts';
import { DynamoDBSandboxViews } from '../../../functions/adapters/aws/dynamodb-sandbox-views.ts';
import { DynamoDBSchedulerState } from '../../../functions/adapters/aws/dynamodb-scheduler-state.ts';
import {
  created,
  started,
  stopped,
  stopRequested,
} from '../../support/builders.ts';
import { recorded } from '../../support/given-when-then.ts';
import {
  type DynamoDBContext,
  dynamoDBBackends,
} from '../../support/moto-dynamodb.ts';

const at = (seconds: number) =>
  new Date(Date.parse('2026-12-03T10:00:00Z') + seconds * 1000);

function schedulesContract(use: () => DynamoDBContext) {
  const context = use();
  const activity = () =>
    new DynamoDBActivityStore(context.db.client, context.tables.activity);
  const state = () =>
    new DynamoDBSchedulerState(context.db.client, context.tables.schedules);

  async function project(sandboxId: string, stop: boolean) {
    const { client } = context.db;
    const events = new DynamoDBEventStore(client, context.tables.events);
    const views = new DynamoDBSandboxViews(client, context.tables.sandboxes);
    const projector = new SandboxProjector(events, views);
    const history = [created({ sandboxId }), started];
    if (stop) history.push(stopRequested, stopped);

    for (const [index, event] of recorded(history).entries()) {
      const commit = await events.append(sandboxId, index, [
        event as StoredEvent,
      ]);
      await projector.apply(commit);
    }
    return views;
  }

  it('lists only the sandboxes that hold resources, as summaries', async () => {
    const prefix = `act-${Date.now()}`;
    await project(`${prefix}-on`, false);
    const views = await project(`${prefix}-off`, true);

    const active = [];
    for await (const summary of views.active()) {
      if (summary.id.startsWith(prefix)) active.push(summary);
    }

    expect(active).toEqual([
      expect.objectContaining({
        id: `${prefix}-on`,
        status: 'running',
        shutdownAfter: '1h',
        lastSnapshotId: null,
      }),
    ]);
  });

  it('keeps the newest use, writing at most one touch in ten seconds', async () => {
    await activity().touch('sbx-t', at(0).toISOString());
    await activity().touch('sbx-t', at(5).toISOString());
    expect((await activity().get('sbx-t'))?.lastApiAt).toBe(
      at(0).toISOString(),
    );

    await activity().touch('sbx-t', at(11).toISOString());
    expect((await activity().get('sbx-t'))?.lastApiAt).toBe(
      at(11).toISOString(),
    );
  });

  it('records CPU samples and moves lastBusyAt only when busy', async () => {
    const store = activity();
    await store.recordSample(
      'sbx-s',
      { at: at(0).toISOString(), cpuSeconds: 3 },
      true,
    );
    await store.recordSample(
      'sbx-s',
      { at: at(60).toISOString(), cpuSeconds: 3.1 },
      false,
    );

    expect(await store.get('sbx-s')).toEqual({
      sandboxId: 'sbx-s',
      lastApiAt: null,
      lastBusyAt: at(0).toISOString(),
      cpuSample: { at: at(60).toISOString(), cpuSeconds: 3.1 },
    });

    await store.forget('sbx-s');
    expect(await store.get('sbx-s')).toBeUndefined();
  });

  it('gives a schedule’s lease to one holder until it runs out', async () => {
    const schedule = `lease-${Date.now()}`;
    expect(await state().lease(schedule, 'a', at(60), at(0))).toBe(true);
    expect(await state().lease(schedule, 'b', at(60), at(30))).toBe(false);
    expect(await state().lease(schedule, 'a', at(120), at(30))).toBe(true);
    expect(await state().lease(schedule, 'b', at(200), at(121))).toBe(true);

    await state().release(schedule, 'a');
    expect(await state().lease(schedule, 'c', at(300), at(150))).toBe(false);
    await state().release(schedule, 'b');
    expect(await state().lease(schedule, 'c', at(300), at(150))).toBe(true);
  });

  it('keeps a schedule’s cursor beside its lease', async () => {
    const schedule = `cursor-${Date.now()}`;
    await state().lease(schedule, 'a', at(60), at(0));
    const cursor = {
      slot: at(0).toISOString(),
      bucket: { tokens: 4.5, refilledAt: at(1).toISOString() },
      backoffUntil: null,
      consecutiveThrottles: 0,
      issued: 7,
      throttled: 1,
    };

    await state().save(schedule, cursor);

    expect(await state().load(schedule)).toEqual(cursor);
    expect(await state().lease(schedule, 'b', at(60), at(30))).toBe(false);
  });
}

for (const { name, use } of dynamoDBBackends) {
  describe(`activity, summaries and schedule state on ${name}`, () =>
    schedulesContract(use));
}
