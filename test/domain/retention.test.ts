import { describe, expect, it } from 'vitest';
import { snapshotsToPrune } from '../../domain/snapshots/retention.ts';
import type { Snapshot } from '../../domain/snapshots/snapshot.ts';
import { snapshotAt } from '../support/snapshots.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-01T00:00:00Z');
const DEFAULTS = { retention: '7d', maxSnapshots: 100 };

/**
 * A week of snapshots every five minutes with the clock injected,
 * thinning after each one as the platform does.
 */
function simulate(
  days: number,
  policy = DEFAULTS,
  manualEvery = 0,
): { kept: Snapshot[]; now: Date; prunedTotal: number } {
  let kept: Snapshot[] = [];
  let prunedTotal = 0;
  let now = new Date(START);

  for (let tick = 0; tick < (days * DAY) / (5 * MINUTE); tick++) {
    now = new Date(START + tick * 5 * MINUTE);
    const manual = manualEvery > 0 && tick % manualEvery === 0;
    kept.push(
      snapshotAt(now, {
        id: `snap-${tick}`,
        kind: manual ? 'manual' : 'auto',
        name: manual ? `m-${tick}` : null,
      }),
    );
    const pruned = new Set(snapshotsToPrune(kept, now, policy));
    prunedTotal += pruned.size;
    kept = kept.filter((s) => !pruned.has(s.id));
  }
  return { kept, now, prunedTotal };
}

const ageOf = (s: Snapshot, now: Date) =>
  now.getTime() - Date.parse(s.createdAt);

describe('retention thinning over a simulated week', () => {
  const { kept, now } = simulate(7);

  it('keeps every snapshot of the last hour', () => {
    expect(kept.filter((s) => ageOf(s, now) <= HOUR)).toHaveLength(13);
  });

  it('keeps the last of each hour for a day', () => {
    const dayOld = kept.filter(
      (s) => ageOf(s, now) > HOUR && ageOf(s, now) <= DAY,
    );
    const hours = dayOld.map((s) => Math.floor(Date.parse(s.createdAt) / HOUR));
    expect(new Set(hours).size).toBe(hours.length);
    expect(dayOld.length).toBeGreaterThanOrEqual(22);
    for (const s of dayOld)
      expect(new Date(s.createdAt).getUTCMinutes()).toBe(55);
  });

  it('keeps the last of each day within the retention', () => {
    const older = kept.filter((s) => ageOf(s, now) > DAY);
    const days = older.map((s) => s.createdAt.slice(0, 10));
    expect(new Set(days).size).toBe(days.length);
    expect(older.every((s) => s.createdAt.endsWith('T23:55:00.000Z'))).toBe(
      true,
    );
    // Nov 1 to 5: the end of Nov 6 is exactly a day old, an hourly keep.
    expect(older.length).toBe(5);
  });

  it('never keeps more than maxSnapshots', () => {
    expect(kept.length).toBeLessThanOrEqual(100);
    const tight = simulate(2, { retention: '7d', maxSnapshots: 10 });
    expect(tight.kept).toHaveLength(10);
  });

  it('never prunes the newest completed snapshot', () => {
    const tight = simulate(1, { retention: '1h', maxSnapshots: 1 });
    expect(tight.kept.map((s) => s.id)).toEqual(['snap-287']);
  });

  it('keeps manual snapshots until the retention, then drops them', () => {
    const withManual = simulate(9, DEFAULTS, 36); // one every three hours
    const manual = withManual.kept.filter((s) => s.kind === 'manual');
    expect(manual.length).toBeGreaterThan(40);
    expect(manual.every((s) => ageOf(s, withManual.now) <= 7 * DAY)).toBe(true);
  });

  it('leaves pending snapshots alone and drops failed ones after a day', () => {
    const now = new Date(START + 10 * DAY);
    const pending = snapshotAt(START, { id: 'snap-p', status: 'pending' });
    const failed = snapshotAt(START, { id: 'snap-f', status: 'failed' });
    const fresh = snapshotAt(now, { id: 'snap-n' });
    expect(snapshotsToPrune([pending, failed, fresh], now, DEFAULTS)).toEqual([
      'snap-f',
    ]);
  });
});
