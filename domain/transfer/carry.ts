import { IllegalStateError } from '../errors.ts';
import { isCompleted, type Snapshot } from '../snapshots/snapshot.ts';
import { resolveSnapshot } from '../snapshots/time-travel.ts';

/**
 * The snapshots an export carries: the one asked for (by id, name or
 * time; by default the newest completed) and every completed snapshot
 * before it, so the imported sandbox can travel back as far as this one
 * can. Oldest first.
 */
export function snapshotsToCarry(
  snapshots: readonly Snapshot[],
  ref: string | undefined,
): Snapshot[] {
  const completed = snapshots.filter(isCompleted);
  const target = ref ? resolveSnapshot(snapshots, ref) : completed.at(-1);
  if (!target) {
    throw new IllegalStateError(
      'the sandbox has no completed snapshot to export: take one first',
    );
  }
  return completed.filter((s) => s.createdAt <= target.createdAt);
}
