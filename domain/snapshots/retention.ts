import { durationSeconds } from '../sandbox/duration.ts';
import type { Snapshot, SnapshotRetention } from './snapshot.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Which snapshots retention thins away at `now`. Every snapshot of the
 * last hour stays; within the last day the last of each hour; within
 * `retention` the last of each day. Manual snapshots live until
 * `retention` unless deleted. Never more than `maxSnapshots`; never the
 * newest completed one; never a pending one. Failed ones go after a day.
 */
export function snapshotsToPrune(
  snapshots: readonly Snapshot[],
  now: Date,
  policy: SnapshotRetention,
): string[] {
  const retentionMs = durationSeconds(policy.retention) * 1000;
  const completed = snapshots.filter((s) => s.status === 'completed');
  const newest = completed.at(-1);
  const ageOf = (s: Snapshot) => now.getTime() - Date.parse(s.createdAt);

  const failed = snapshots.filter(
    (s) => s.status === 'failed' && ageOf(s) > DAY_MS,
  );
  const kept = completed.filter(
    (s) =>
      s === newest ||
      (ageOf(s) <= retentionMs &&
        (s.kind === 'manual' || isBucketLast(s, completed, ageOf))),
  );
  const overCap = oldestBeyondCap(kept, newest, policy.maxSnapshots);

  const pruned = new Set([
    ...failed,
    ...completed.filter((s) => !kept.includes(s)),
    ...overCap,
  ]);
  return snapshots.filter((s) => pruned.has(s)).map((s) => s.id);
}

/** Kept by the thinning ladder: all of an hour, hourly, then daily. */
function isBucketLast(
  snapshot: Snapshot,
  completed: readonly Snapshot[],
  ageOf: (s: Snapshot) => number,
): boolean {
  const age = ageOf(snapshot);
  if (age <= HOUR_MS) return true;

  const width = age <= DAY_MS ? HOUR_MS : DAY_MS;
  const bucket = Math.floor(Date.parse(snapshot.createdAt) / width);
  const lastInBucket = completed
    .filter((s) => s.kind !== 'manual')
    .filter((s) => Math.floor(Date.parse(s.createdAt) / width) === bucket)
    .at(-1);
  return lastInBucket === snapshot;
}

/** Past the cap, automatic snapshots go before manual ones, oldest first. */
function oldestBeyondCap(
  kept: readonly Snapshot[],
  newest: Snapshot | undefined,
  max: number,
): Snapshot[] {
  const excess = kept.length - max;
  if (excess <= 0) return [];

  const candidates = kept.filter((s) => s !== newest);
  const automatic = candidates.filter((s) => s.kind !== 'manual');
  const manual = candidates.filter((s) => s.kind === 'manual');
  return [...automatic, ...manual].slice(0, excess);
}
