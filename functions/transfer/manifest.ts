import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from '../../domain/errors.ts';
import { sandboxSizeSchema } from '../../domain/sandbox/sizes.ts';

/** The package format; an importer refuses one it does not know. */
export const PACKAGE_FORMAT = 'auteryn-export/1';

/** Its name in the package: written last, so its presence means whole. */
export const MANIFEST_KEY = 'manifest.json';

const fileSchema = z.object({
  key: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const snapshotSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  kind: z.enum(['auto', 'manual', 'pre-stop', 'pre-restore']),
  status: z.literal('completed'),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  sizeBytes: z.number(),
  changedBytes: z.number(),
  fileCount: z.number(),
  error: z.null(),
  providerId: z.string().nullable(),
  startedAt: z.string().nullable(),
});

const bodySchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  exportId: z.string().regex(/^exp-[0-9a-f]+$/),
  createdAt: z.string(),
  source: z.object({ region: z.string(), sandboxId: z.string() }),
  target: z.object({ region: z.string() }),
  sandbox: z.object({
    name: z.string(),
    image: z.string(),
    size: sandboxSizeSchema,
    autoShutdown: z.boolean(),
    shutdownAfter: z.string(),
    idleCpuPercent: z.number(),
    snapshotRetention: z.object({
      retention: z.string(),
      maxSnapshots: z.number(),
    }),
  }),
  engine: z.enum(['local', 'ebs']),
  snapshots: z.array(snapshotSchema).min(1),
  /** Every file of the package but this one, with its digest. */
  files: z.array(fileSchema),
  /** The source sandbox's event history, one JSON event a line. */
  events: fileSchema,
  bytesTotal: z.number().int().min(0),
});

export type ManifestBody = z.infer<typeof bodySchema>;
export type Manifest = ManifestBody & { checksum: string };

export const sha256Hex = (data: string | Uint8Array) =>
  createHash('sha256').update(data).digest('hex');

/** The manifest's own digest: of its body, keys in a fixed order. */
const checksumOf = (body: ManifestBody) => sha256Hex(canonical(body));

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function writeManifest(body: ManifestBody): Uint8Array {
  const manifest: Manifest = { ...body, checksum: checksumOf(body) };
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Reads a manifest and checks it is whole and unchanged. Every way it
 * can be wrong is a ValidationError on `source` that says which.
 */
export function readManifest(text: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refused(
      'the manifest is truncated or not JSON: the package is damaged or ' +
        'was not written to the end; export it again',
    );
  }

  const checked = bodySchema.extend({ checksum: z.string() }).safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw refused(
      `the manifest is not a ${PACKAGE_FORMAT} package: ` +
        `${issue?.path.join('.') || 'root'}: ${issue?.message}`,
    );
  }

  const { checksum, ...body } = checked.data;
  if (checksumOf(body) !== checksum) {
    throw refused(
      'the manifest was changed after it was written (its checksum does ' +
        'not match): the package cannot be trusted',
    );
  }
  return checked.data;
}

export const refused = (message: string) =>
  new ValidationError(`refused: ${message}`, [{ field: 'source', message }]);
