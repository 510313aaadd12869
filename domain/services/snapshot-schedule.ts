import type { SandboxViews } from '../ports/sandbox-views.ts';
import type { SnapshotStore } from '../ports/snapshot-store.ts';
import {
  MAX_SNAPSHOTS_IN_FLIGHT_PER_VOLUME,
  type SnapshotSchedulePorts,
  SnapshotScheduler,
} from '../scheduler/snapshot-scheduler.ts';
import { type RateLimit, schedulerLimit } from '../scheduler/token-bucket.ts';

/**
 * What both the local timer and the AWS tick build a scheduler from:
 * the scheduler's own ports but candidates and changes, which come from
 * the views and the store. `snapshot` is SnapshotFlows.scheduled.
 */
export interface SnapshotScheduleParts
  extends Omit<SnapshotSchedulePorts, 'candidates' | 'changed'> {
  views: SandboxViews;
  store: Pick<SnapshotStore, 'changedSince'>;
  intervalMs: number;
  /** The provider's own rate limit; the scheduler takes a share of it. */
  providerLimit: RateLimit;
}

export function createSnapshotScheduler(
  parts: SnapshotScheduleParts,
): SnapshotScheduler {
  const { views, store } = parts;
  return new SnapshotScheduler(
    {
      candidates: () => views.active(),
      changed: (sandbox) =>
        store.changedSince(sandbox.id, sandbox.lastSnapshotId ?? undefined),
      snapshot: parts.snapshot,
      state: parts.state,
      clock: parts.clock,
      sleep: parts.sleep,
      log: parts.log,
    },
    {
      intervalMs: parts.intervalMs,
      limit: schedulerLimit(parts.providerLimit),
      maxInFlightPerVolume: MAX_SNAPSHOTS_IN_FLIGHT_PER_VOLUME,
      // Longer than any invocation, so a crashed one frees it soon after.
      leaseMs: parts.intervalMs * 2,
    },
  );
}

/**
 * Thins every history by its retention, stopped sandboxes' too (their
 * snapshots age out although no new one comes). Runs on each tick
 * locally, from the reconciler on AWS.
 */
export async function pruneAll(
  views: SandboxViews,
  prune: (sandboxId: string) => Promise<void>,
): Promise<number> {
  let pruned = 0;
  for await (const { sandbox } of views.all()) {
    if (sandbox.snapshots.length === 0) continue;
    if (sandbox.status === 'deleting') continue;
    if (sandbox.status === 'deleted' && !sandbox.keepSnapshots) continue;
    await prune(sandbox.id);
    pruned++;
  }
  return pruned;
}
