import { posix } from 'node:path';
import { z } from '@hono/zod-openapi';
import { isolationSchema } from '../../domain/sandbox/isolation.ts';
import { sandboxSizeSchema } from '../../domain/sandbox/sizes.ts';

export const sandboxSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    size: sandboxSizeSchema,
    resources: z.object({
      cpus: z.number(),
      memoryBytes: z.number(),
      diskBytes: z.number(),
    }),
    status: z.enum([
      'starting',
      'running',
      'stopping',
      'stopped',
      'deleting',
      'deleted',
    ]),
    stoppedReason: z.string().nullable(),
    autoShutdown: z.boolean(),
    shutdownAfter: z.string(),
    idleCpuPercent: z.number(),
    snapshotRetention: z.object({
      retention: z.string(),
      maxSnapshots: z.number().int(),
    }),
    startedAt: z.string().nullable(),
    lastSnapshotAt: z.string().nullable(),
    snapshotCount: z.number().int(),
    importedFrom: z
      .object({
        importId: z.string(),
        exportId: z.string(),
        source: z.string(),
        sourceRegion: z.string(),
        sourceSandboxId: z.string(),
      })
      .nullable(),
    image: z.string(),
    isolation: isolationSchema.nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Sandbox');

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional(),
  })
  .openapi('Problem');

export const sandboxIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/**
 * An absolute path inside the sandbox, normalised. `..` can climb no
 * higher than the sandbox's own root; the runtime resolves the rest
 * inside the sandbox.
 */
export const sandboxPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => path.startsWith('/'), 'an absolute path, like /home/agent')
  .refine((path) => !path.includes('\0'), 'no NUL bytes')
  .transform((path) => posix.normalize(path));

export const execInputSchema = z
  .strictObject({
    command: z
      .string()
      .min(1)
      .max(256 * 1024),
    timeoutSeconds: z.number().int().min(1).max(3600).default(60),
    cwd: sandboxPathSchema.default('/home/agent'),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment name'),
        z.string().max(32 * 1024),
      )
      .default({}),
  })
  .openapi('ExecRequest');

export const execResultSchema = z
  .object({
    exitCode: z.number().int(),
    stdout: z.string(),
    stderr: z.string(),
    durationMs: z.number(),
    timedOut: z.boolean(),
    stdoutTruncated: z.boolean(),
    stderrTruncated: z.boolean(),
  })
  .openapi('ExecResult');

export const fileEntrySchema = z
  .object({
    name: z.string(),
    path: z.string(),
    type: z.enum(['file', 'directory', 'symlink', 'other']),
    size: z.number(),
    mode: z.string(),
    modifiedAt: z.string(),
  })
  .openapi('FileEntry');

export const eventSchema = z
  .object({
    type: z.string(),
    version: z.number().int(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('SandboxEvent');

export const snapshotSchema = z
  .object({
    id: z.string(),
    sandboxId: z.string(),
    name: z.string().nullable(),
    kind: z.enum(['auto', 'manual', 'pre-stop', 'pre-restore']),
    status: z.enum(['pending', 'completed', 'failed']),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    sizeBytes: z.number(),
    changedBytes: z.number(),
    fileCount: z.number(),
    error: z.string().nullable(),
    providerId: z.string().nullable(),
    startedAt: z.string().nullable(),
  })
  .openapi('Snapshot');

export const snapshotParams = sandboxIdParams.extend({
  snapshotId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'snapshotId', in: 'path' } }),
});

export const restoreInputSchema = z
  .strictObject({
    snapshot: z.string().min(1).max(100).openapi({
      description: 'a snapshot id, a snapshot name, or an ISO-8601 time',
    }),
    paths: z.array(sandboxPathSchema).min(1).max(100).optional(),
  })
  .openapi('RestoreRequest');

export const snapshotDiffSchema = z
  .object({
    added: z.array(z.string()),
    removed: z.array(z.string()),
    changed: z.array(z.string()),
  })
  .openapi('SnapshotDiff');
