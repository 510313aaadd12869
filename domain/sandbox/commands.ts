// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import {
  DEFAULT_IDLE_CPU_PERCENT,
  idleCpuPercentSchema,
} from '../idle/idle-policy.ts';
import type { SnapshotStats } from '../ports/snapshot-store.ts';
import type { SnapshotKind } from '../snapshots/snapshot.ts';
import {
  DEFAULT_SNAPSHOT_RETENTION,
  snapshotNameSchema,
  snapshotRetentionSchema,
} from '../snapshots/snapshot.ts';
import { shutdownAfterSchema } from './duration.ts';
import type { SandboxImportedData, StopReason } from './events.ts';
import type { Isolation } from './isolation.ts';
import { DEFAULT_SANDBOX_SIZE, sandboxSizeSchema } from './sizes.ts';

export const sandboxNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9-]+$/, 'only a-z, 0-9 and -');

export const DEFAULT_SHUTDOWN_AFTER = '1h';
export const DEFAULT_IMAGE = 'host';

/** What a user may say when creating a sandbox. */
export const createSandboxInputSchema = z.strictObject({
  name: sandboxNameSchema,
  size: sandboxSizeSchema.default(DEFAULT_SANDBOX_SIZE),
  autoShutdown: z.boolean().default(true),
  shutdownAfter: shutdownAfterSchema.default(DEFAULT_SHUTDOWN_AFTER),
  idleCpuPercent: idleCpuPercentSchema.default(DEFAULT_IDLE_CPU_PERCENT),
  image: z.string().min(1).max(255).default(DEFAULT_IMAGE),
  snapshotRetention: snapshotRetentionSchema.default(
    DEFAULT_SNAPSHOT_RETENTION,
  ),
});
export type CreateSandboxInput = z.infer<typeof createSandboxInputSchema>;

/** What a user may change on a sandbox; at least one field. */
export const updateSandboxInputSchema = z
  .strictObject({
    size: sandboxSizeSchema.optional(),
    autoShutdown: z.boolean().optional(),
    shutdownAfter: shutdownAfterSchema.optional(),
    idleCpuPercent: idleCpuPercentSchema.optional(),
    snapshotRetention: snapshotRetentionSchema.partial().optional(),
  })
  .refine((input) => Object.keys(input).length > 0, {
    message:
      'name at least one of size, autoShutdown, shutdownAfter, ' +
      'idleCpuPercent, snapshotRetention',
  });
export type UpdateSandboxInput = z.infer<typeof updateSandboxInputSchema>;

/**
 * Commands on one sandbox stream. The `Record*` ones report what the
 * runtime did; the others are what users (or schedules) ask for.
 */
export type SandboxCommand =
  | {
      type: 'CreateSandbox';
      data: CreateSandboxInput & { sandboxId: string; tenantId: string };
    }
  | { type: 'StartSandbox'; data: { reason: 'user' | 'wake' } }
  | { type: 'StopSandbox'; data: { reason: StopReason } }
  | { type: 'RestartSandbox'; data: Record<string, never> }
  | { type: 'UpdateSandbox'; data: UpdateSandboxInput }
  | { type: 'DeleteSandbox'; data: { keepSnapshots?: boolean } }
  | {
      type: 'RequestSnapshot';
      data: { snapshotId: string; name: string | null; kind: SnapshotKind };
    }
  | {
      type: 'RecordSnapshotStarted';
      data: { snapshotId: string; providerId: string };
    }
  | {
      type: 'RecordSnapshotCompleted';
      data: SnapshotStats & { snapshotId: string; providerId?: string };
    }
  | {
      type: 'RecordSnapshotFailed';
      data: { snapshotId: string; error: string };
    }
  | { type: 'DeleteSnapshot'; data: { snapshotId: string } }
  | { type: 'PruneSnapshots'; data: { now: string } }
  | {
      type: 'RestoreSandbox';
      data: {
        snapshot: string;
        paths: string[] | null;
        preRestoreSnapshotId: string;
      };
    }
  | { type: 'RecordRestoreFailed'; data: { error: string } }
  | {
      type: 'RecordSandboxRestored';
      data: { rewritten: number; bytesWritten: number };
    }
  | { type: 'ImportSandbox'; data: SandboxImportedData }
  | {
      type: 'RequestExport';
      data: { exportId: string; targetRegion: string; snapshotIds: string[] };
    }
  | { type: 'RecordExported'; data: { exportId: string; location: string } }
  | { type: 'RecordExportFailed'; data: { exportId: string; error: string } }
  | { type: 'RecordSandboxStarted'; data: { isolation: Isolation } }
  | { type: 'RecordSandboxStartFailed'; data: { error: string } }
  | { type: 'RecordSandboxStopped'; data: Record<string, never> }
  | { type: 'RecordSandboxDeleted'; data: Record<string, never> };

export type SandboxCommandType = SandboxCommand['type'];

export const createSnapshotInputSchema = z.strictObject({
  name: snapshotNameSchema.optional(),
});
