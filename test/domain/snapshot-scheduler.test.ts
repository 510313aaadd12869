import { describe, expect, it } from 'vitest';
import { ThrottledError } from '../../domain/errors.ts';
import type {
  SchedulerCursor,
  SchedulerStateStore,
} from '../../domain/ports/scheduler-state.ts';
import type { SandboxSummary } from '../../domain/sandbox/summary.ts';
import { scheduledSnapshotId } from '../../domain/scheduler/slots.ts';
import {
  SnapshotScheduler,
  type SnapshotScheduleSettings,
} from '../../domain/scheduler/snapshot-scheduler.ts';
import { ManualClock } from '../support/clock.ts';

const MINUTE = 60_000;
const START = new Date('2026-12-03T10:00:00Z');
const settings: SnapshotScheduleSettings = {
  intervalMs: 5 * MINUTE,
  limit: { capacity: 3, refillPerSecond: 1 },
  maxInFlightPerVolume: 5,
  leaseMs: 10 * MINUTE,
};

const summary = (
  id: string,
  overrides: Partial<SandboxSummary> = {},
): SandboxSummary => ({
  id,
  tenantId: 't',
  status: 'running',
  size: 'small',
  autoShutdown: true,
  shutdownAfter: '1h',
  idleCpuPercent: 5,
  startedAt: START.toISOString(),
  restoring: false,
  lastSnapshotId: null,
  lastSnapshotAt: null,
  lastAutoIssuedAt: null,
  unissuedAutoSnapshotId: null,
  snapshotsInFlight: 0,
  ...overrides,
});

/** The schedule's state kept in memory, lease included. */
class MemoryState implements SchedulerStateStore {
  cursor: SchedulerCursor | undefined;
  holder: { id: string; until: number } | undefined;

  async load() {
    return this.cursor && structuredClone(this.cursor);
  }
  async save(_: string, cursor: SchedulerCursor) {
    this.cursor = structuredClone(cursor);
  }
  async lease(_: string, holder: string, until: Date, now: Date) {
    if (
      this.holder &&
      this.holder.id !== holder &&
      this.holder.until > now.getTime()
    ) {
      return false;
    }
    this.holder = { id: holder, until: until.getTime() };
    return true;
  }
  async release(_: string, holder: string) {
    if (this.holder?.id === holder) this.holder = undefined;
  }
}

/**
 * A fleet whose snapshots mark the summary served, as the projection
 * would; `throttleNext` makes the provider refuse that many calls.
 */
function fleet(sandboxes: SandboxSummary[], clean: string[] = []) {
  const clock = new ManualClock(START);
  const state = new MemoryState();
  const calls: [string, string][] = [];
  let throttleNext = 0;

  const scheduler = new SnapshotScheduler(
    {
      candidates: async function* () {
        yield* sandboxes;
      },
      changed: async (s) => !clean.includes(s.id),
      snapshot: async (sandboxId, snapshotId) => {
        calls.push([sandboxId, snapshotId]);
        if (throttleNext > 0) {
          throttleNext--;
          throw new ThrottledError('RequestLimitExceeded');
        }
        const served = sandboxes.find((s) => s.id === sandboxId);
        if (served) served.lastAutoIssuedAt = clock.now().toISOString();
        return 'issued';
      },
      state,
      clock,
      sleep: async (ms) => clock.advance(ms),
      log: { info() {}, warn() {}, error() {} },
    },
    settings,
  );
  const tick = (holder = 'a', deadlineMs = 4 * MINUTE) =>
    scheduler.tick({
      deadline: new Date(clock.now().getTime() + deadlineMs),
      holder,
    });
  return {
    clock,
    state,
    calls,
    tick,
    throttle: (n: number) => {
      throttleNext = n;
    },
  };
}

describe('the snapshot scheduler', () => {
  it('serves the longest-unprotected sandbox first', async () => {
    const given = fleet([
      summary('b', { lastSnapshotAt: '2026-12-03T09:50:00Z' }),
      summary('c', { lastSnapshotAt: '2026-12-03T09:40:00Z' }),
      summary('a'),
    ]);

    await given.tick();

    expect(given.calls.map(([id]) => id)).toEqual(['a', 'c', 'b']);
  });

  it('makes no provider call for a sandbox that did not change', async () => {
    const given = fleet([summary('quiet'), summary('busy')], ['quiet']);

    const report = await given.tick();

    expect(given.calls.map(([id]) => id)).toEqual(['busy']);
    expect(report).toMatchObject({ clean: 1, issued: 1 });
  });

  it('issues one snapshot per sandbox a slot, however often it ticks', async () => {
    const given = fleet([summary('a')]);

    await given.tick();
    await given.tick();
    given.clock.advance(MINUTE);
    await given.tick();

    expect(given.calls).toEqual([['a', scheduledSnapshotId(START)]]);
  });

  it('serves the sandbox again in the next slot', async () => {
    const given = fleet([summary('a')]);

    await given.tick();
    given.clock.advance(5 * MINUTE);
    await given.tick();

    expect(given.calls.map(([, snapshotId]) => snapshotId)).toEqual([
      'snap-auto-20261203t100000z',
      'snap-auto-20261203t100500z',
    ]);
  });

  it('lets only one of two concurrent ticks run', async () => {
    const given = fleet([summary('a')]);
    await given.state.lease('snapshots', 'other', new Date(8.64e15), START);

    const report = await given.tick('mine');

    expect(report.ran).toBe(false);
    expect(given.calls).toEqual([]);
  });

  it('paces calls by the token bucket across the window', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const given = fleet(ids.map((id) => summary(id)));

    const report = await given.tick();

    // Three at once (the bucket), then one a second as it refills.
    expect(report.issued).toBe(5);
    expect(given.clock.now().getTime() - START.getTime()).toBe(2000);
  });

  it('backs off after a throttle and retries the same snapshot', async () => {
    const given = fleet([summary('a'), summary('b')]);
    given.throttle(2);

    const report = await given.tick();

    expect(given.calls.map(([id]) => id)).toEqual(['a', 'a', 'a', 'b']);
    expect(report).toMatchObject({ issued: 2, throttled: 2 });
    // Back-off of 1 s then 2 s, each after an emptied bucket.
    expect(given.clock.now().getTime() - START.getTime()).toBe(3000);
  });

  it('stops at its deadline and leaves the rest for the next tick', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const given = fleet(ids.map((id) => summary(id)));

    const first = await given.tick('a', 1500);
    expect(first).toMatchObject({ issued: 4, remaining: 2 });

    const second = await given.tick('a', 60_000);
    expect(second).toMatchObject({ due: 2, issued: 2, remaining: 0 });
    expect(new Set(given.calls.map(([id]) => id)).size).toBe(6);
  });

  it('skips a volume that has as many snapshots in flight as EBS allows', async () => {
    const given = fleet([summary('full', { snapshotsInFlight: 5 })]);

    const report = await given.tick();

    expect(report.atVolumeLimit).toBe(1);
    expect(given.calls).toEqual([]);
  });

  it('reissues a snapshot that was requested but never accepted', async () => {
    const given = fleet([
      summary('a', { unissuedAutoSnapshotId: 'snap-auto-20261203t095500z' }),
    ]);

    await given.tick();

    expect(given.calls).toEqual([['a', 'snap-auto-20261203t095500z']]);
  });

  it('leaves stopped and restoring sandboxes alone', async () => {
    const given = fleet([
      summary('stopping', { status: 'stopping' }),
      summary('restoring', { restoring: true }),
    ]);

    const report = await given.tick();

    expect(report.due).toBe(0);
    expect(given.calls).toEqual([]);
  });
});
