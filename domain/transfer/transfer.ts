import * as z from 'zod';

export type TransferStatus = 'pending' | 'copying' | 'completed' | 'failed';

/** A sandbox's export to another region's object store. */
export interface ExportRecord {
  id: string;
  tenantId: string;
  sandboxId: string;
  sourceRegion: string;
  targetRegion: string;
  /** The snapshots carried, oldest first. */
  snapshotIds: string[];
  status: TransferStatus;
  /** What an import takes as `source`, once the package is whole. */
  location: string | null;
  bytesTotal: number;
  bytesDone: number;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** A package read into this region as a new sandbox. */
export interface ImportRecord {
  id: string;
  tenantId: string;
  source: string;
  /** The export the package came from: importing it again is this one. */
  exportId: string;
  sourceRegion: string;
  /** The sandbox made here; set from the start, created at the end. */
  sandboxId: string;
  snapshotIds: string[];
  status: TransferStatus;
  bytesTotal: number;
  bytesDone: number;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** Region names: letters, digits and dashes, like `eu-west-1` or `local`. */
export const regionSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z0-9-]+$/, 'a region name such as eu-west-1');

export const exportInputSchema = z.strictObject({
  targetRegion: regionSchema,
  /** A snapshot id, name or ISO time; default the newest (taken now). */
  snapshot: z.string().min(1).max(100).optional(),
});
export type ExportInput = z.infer<typeof exportInputSchema>;

export const importInputSchema = z.strictObject({
  /** An export's `location`: `s3://bucket/prefix/exp-…` or a path. */
  source: z
    .string()
    .min(1)
    .max(2048)
    .refine(
      (source) => source.startsWith('s3://') || source.startsWith('/'),
      'an s3:// URI or an absolute path',
    ),
});
export type ImportInput = z.infer<typeof importInputSchema>;
