// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { durationSchema } from '../sandbox/duration.ts';

export type SnapshotKind = 'auto' | 'manual' | 'pre-stop' | 'pre-restore';
export type SnapshotStatus = 'pending' | 'completed' | 'failed';

/** One snapshot in a sandbox's history. */
export interface Snapshot {
  id: string;
  name: string | null;
  kind: SnapshotKind;
  status: SnapshotStatus;
  createdAt: string;
  completedAt: string | null;
  sizeBytes: number;
  changedBytes: number;
  fileCount: number;
  error: string | null;
  /**
   * The provider's id once it accepted the snapshot (an EBS snapshot id
   * on AWS); null locally and while not yet accepted.
   */
  providerId: string | null;
  /** When the provider accepted it; null locally (it completes at once). */
  startedAt: string | null;
}

export const snapshotNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ., _ and -')
  // A name that reads as a time or an id would make restore ambiguous.
  .refine((name) => !name.startsWith('snap-'), 'may not start with snap-')
  .refine((name) => Number.isNaN(Date.parse(name)), 'may not be a time');

export const snapshotRetentionSchema = z.strictObject({
  /** How long snapshots are kept at all, e.g. `7d`. */
  retention: durationSchema.default('7d'),
  /** Never more snapshots than this per sandbox. */
  maxSnapshots: z.number().int().min(1).max(1000).default(100),
});
export type SnapshotRetention = z.infer<typeof snapshotRetentionSchema>;

export const DEFAULT_SNAPSHOT_RETENTION: SnapshotRetention = {
  retention: '7d',
  maxSnapshots: 100,
};

export const isCompleted = (snapshot: Snapshot) =>
  snapshot.status === 'completed';

/** The newest completed snapshot, the one a change is measured against. */
export const newestCompleted = (snapshots: readonly Snapshot[]) =>
  snapshots.filter(isCompleted).at(-1);
