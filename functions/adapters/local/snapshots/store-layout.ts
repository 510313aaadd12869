import { join, posix } from 'node:path';
import { ValidationError } from '../../../../domain/errors.ts';

/** `to` of a diff that means the sandbox's layer as it is now. */
export const LIVE = 'live';

// Ids become file names: no separators, no dots, nothing to escape.
const SNAPSHOT_ID = /^snap-[A-Za-z0-9_-]{1,100}$/;

// Linux's PATH_MAX, the longest path a sandbox can name.
const MAX_PATH_BYTES = 4096;

export const isSnapshotId = (text: string) => SNAPSHOT_ID.test(text);

export function assertSnapshotId(snapshotId: string): void {
  if (!isSnapshotId(snapshotId)) {
    throw new ValidationError(
      `invalid snapshot id ${JSON.stringify(snapshotId)}`,
    );
  }
}

/** Checks an absolute sandbox path and returns it without `.` or `//`. */
export function normalizeSandboxPath(path: string): string {
  const valid =
    typeof path === 'string' &&
    path.startsWith('/') &&
    !path.includes('\0') &&
    Buffer.byteLength(path) <= MAX_PATH_BYTES;
  if (!valid) throw new ValidationError(`invalid path ${JSON.stringify(path)}`);

  // `..` is resolved by the snapshot view itself, clamped at the root.
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/$/, '') : '/';
}

/** Where one sandbox's snapshots live, below the platform's data dir. */
export interface StoreDirs {
  root: string;
  /** Content-addressed file contents and trees: `objects/ab/cdef…`. */
  objects: string;
  /** One `<id>.json` per complete snapshot, written last. */
  records: string;
  /** Temp files on their way in; whatever is left here is garbage. */
  tmp: string;
  /** Path -> stat facts -> hash, so unchanged files are not re-read. */
  statCache: string;
  /** The id of the capture under way, or of none (see CaptureNote). */
  captureNote: string;
}

export function storeDirs(dataDir: string, sandboxId: string): StoreDirs {
  const root = join(dataDir, 'snapshots', sandboxId);
  return {
    root,
    objects: join(root, 'objects'),
    records: join(root, 'snapshots'),
    tmp: join(root, 'tmp'),
    statCache: join(root, 'stat-cache'),
    captureNote: join(root, 'capturing'),
  };
}

export const objectPath = (objects: string, hash: string) =>
  join(objects, hash.slice(0, 2), hash.slice(2));

export const recordPath = (records: string, snapshotId: string) =>
  join(records, `${snapshotId}.json`);

/** Host path of a sandbox path below the upper dir (`/` is the dir). */
export const hostPath = (upper: string, path: string) =>
  path === '/' ? upper : upper + path;

export const childPath = (parent: string, name: string) =>
  parent === '/' ? `/${name}` : `${parent}/${name}`;

/** The paths not inside another of them, sorted: `/a` covers `/a/b`. */
export function outermostPaths(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter(
    (path) =>
      !sorted.some(
        (other) =>
          other !== path && (other === '/' || path.startsWith(`${other}/`)),
      ),
  );
}
