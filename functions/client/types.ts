import type { z } from 'zod';
import type {
  createSandboxInputSchema,
  createSnapshotInputSchema,
  updateSandboxInputSchema,
} from '../../domain/sandbox/commands.ts';
import type {
  exportInputSchema,
  importInputSchema,
} from '../../domain/transfer/transfer.ts';
import type { metricsSchema, usageSchema } from '../api/routes/metrics.ts';
import type { exportSchema, importSchema } from '../api/routes/transfers.ts';
import type {
  eventSchema,
  execInputSchema,
  execResultSchema,
  fileEntrySchema,
  problemSchema,
  restoreInputSchema,
  sandboxSchema,
  snapshotDiffSchema,
  snapshotSchema,
} from '../api/schemas.ts';

// Type-only imports: the schemas stay the single source of every shape,
// while the client itself ships no zod and no server code.

export type Sandbox = z.infer<typeof sandboxSchema>;
export type SandboxStatus = Sandbox['status'];
export type SandboxSize = Sandbox['size'];
export type ExecResult = z.infer<typeof execResultSchema>;
export type SandboxMetrics = z.infer<typeof metricsSchema>;
export type SandboxExport = z.infer<typeof exportSchema>;
export type SandboxImport = z.infer<typeof importSchema>;
export type ExportRequest = z.input<typeof exportInputSchema>;
export type ImportRequest = z.input<typeof importInputSchema>;
export type SandboxUsageReport = z.infer<typeof usageSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type SandboxEvent = z.infer<typeof eventSchema>;
export type Problem = z.infer<typeof problemSchema>;
export type FieldProblem = NonNullable<Problem['fields']>[number];
export type Snapshot = z.infer<typeof snapshotSchema>;
export type SnapshotKind = Snapshot['kind'];
export type SnapshotStatus = Snapshot['status'];
/** Paths, each absolute inside the sandbox. */
export type SnapshotDiff = z.infer<typeof snapshotDiffSchema>;

/** What a caller sends: fields with a server default may be left out. */
export type CreateSandboxRequest = z.input<typeof createSandboxInputSchema>;
export type UpdateSandboxRequest = z.input<typeof updateSandboxInputSchema>;
export type ExecRequest = z.input<typeof execInputSchema>;
export type CreateSnapshotRequest = z.input<typeof createSnapshotInputSchema>;
export type RestoreRequest = z.input<typeof restoreInputSchema>;

export interface EventPage {
  items: SandboxEvent[];
  /** Pass as `after` to read on; absent on the last page. */
  nextAfter?: number;
}

/** A file body to upload; strings are sent as UTF-8. */
export type UploadBody = Uint8Array | ReadableStream<Uint8Array> | string;
