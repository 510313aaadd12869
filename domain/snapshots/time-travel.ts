import { IllegalStateError, NotFoundError } from '../errors.ts';
import { isCompleted, type Snapshot } from './snapshot.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * The snapshot a user means by `ref`: a snapshot id, a snapshot name (the
 * newest of that name), or an ISO-8601 time (the newest completed
 * snapshot taken at or before it).
 */
export function resolveSnapshot(
  snapshots: readonly Snapshot[],
  ref: string,
): Snapshot {
  const byId = snapshots.find((snapshot) => snapshot.id === ref);
  if (byId) return requireCompleted(byId);

  const named = snapshots.filter((snapshot) => snapshot.name === ref);
  const newestNamed = named.filter(isCompleted).at(-1) ?? named.at(-1);
  if (newestNamed) return requireCompleted(newestNamed);

  if (ISO_TIME.test(ref) && !Number.isNaN(Date.parse(ref))) {
    return atOrBefore(snapshots, new Date(ref));
  }
  throw new NotFoundError(
    `no snapshot with the id or name ${ref}; give an id, a name or an ` +
      'ISO-8601 time',
  );
}

function requireCompleted(snapshot: Snapshot): Snapshot {
  if (snapshot.status === 'completed') return snapshot;
  throw new IllegalStateError(
    `snapshot ${snapshot.id} is ${snapshot.status}: only a completed ` +
      'snapshot can be restored or read',
  );
}

function atOrBefore(snapshots: readonly Snapshot[], time: Date): Snapshot {
  const completed = snapshots.filter(isCompleted);
  const match = completed
    .filter((snapshot) => Date.parse(snapshot.createdAt) <= time.getTime())
    .at(-1);
  if (match) return match;

  const first = completed[0];
  throw new IllegalStateError(
    first
      ? `no snapshot at or before ${time.toISOString()}: the first one ` +
          `was taken at ${first.createdAt}`
      : 'the sandbox has no completed snapshot yet',
  );
}
