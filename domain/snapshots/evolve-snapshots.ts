import type { RecordedEvent } from '../sandbox/events.ts';
import type { Snapshot } from './snapshot.ts';

type SnapshotEvent = Extract<
  RecordedEvent,
  {
    type:
      | 'SnapshotRequested'
      | 'SnapshotStarted'
      | 'SnapshotCompleted'
      | 'SnapshotFailed'
      | 'SnapshotDeleted'
      | 'SnapshotsPruned';
  }
>;

export const isSnapshotEvent = (event: RecordedEvent): event is SnapshotEvent =>
  event.type.startsWith('Snapshot');

/** The snapshot history after one of its events. */
export function evolveSnapshots(
  snapshots: readonly Snapshot[],
  event: SnapshotEvent,
): Snapshot[] {
  switch (event.type) {
    case 'SnapshotRequested':
      return [
        ...snapshots,
        {
          id: event.data.snapshotId,
          name: event.data.name,
          kind: event.data.kind,
          status: 'pending',
          createdAt: event.at,
          completedAt: null,
          sizeBytes: 0,
          changedBytes: 0,
          fileCount: 0,
          error: null,
          providerId: null,
          startedAt: null,
        },
      ];
    case 'SnapshotStarted':
      return update(snapshots, event.data.snapshotId, {
        providerId: event.data.providerId,
        startedAt: event.at,
      });
    case 'SnapshotCompleted': {
      const { snapshotId, providerId, ...stats } = event.data;
      return update(snapshots, snapshotId, {
        status: 'completed',
        completedAt: event.at,
        ...stats,
        ...(providerId ? { providerId } : {}),
      });
    }
    case 'SnapshotFailed':
      return update(snapshots, event.data.snapshotId, {
        status: 'failed',
        completedAt: event.at,
        error: event.data.error,
      });
    case 'SnapshotDeleted':
      return snapshots.filter((s) => s.id !== event.data.snapshotId);
    case 'SnapshotsPruned': {
      const pruned = new Set(event.data.snapshotIds);
      return snapshots.filter((s) => !pruned.has(s.id));
    }
  }
}

const update = (
  snapshots: readonly Snapshot[],
  snapshotId: string,
  change: Partial<Snapshot>,
) => snapshots.map((s) => (s.id === snapshotId ? { ...s, ...change } : s));
