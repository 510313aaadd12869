import type {
  Snapshot,
  SnapshotKind,
} from '../../domain/snapshots/snapshot.ts';

/** A completed snapshot record taken at `createdAt`. */
export const snapshotAt = (
  createdAt: string | number | Date,
  overrides: Partial<Snapshot> & { kind?: SnapshotKind } = {},
): Snapshot => {
  const at = new Date(createdAt).toISOString();
  return {
    id: `snap-${at}`,
    name: null,
    kind: 'auto',
    status: 'completed',
    createdAt: at,
    completedAt: at,
    sizeBytes: 1,
    changedBytes: 1,
    fileCount: 1,
    error: null,
    providerId: null,
    startedAt: null,
    ...overrides,
  };
};
