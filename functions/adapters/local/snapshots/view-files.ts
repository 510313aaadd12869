import { posix } from 'node:path';
import { ValidationError } from '../../../../domain/errors.ts';
import type {
  FileEntry,
  FileType,
} from '../../../../domain/ports/sandbox-runtime.ts';
import { entryFromStats } from '../file-entry.ts';
import type { LowerLayer } from './lower-layer.ts';
import type { ObjectStore } from './object-store.ts';
import { nodeType, type SnapshotView, type ViewNode } from './snapshot-view.ts';

const FILE_TYPES: Record<ReturnType<typeof nodeType>, FileType> = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  other: 'other',
};

const NS_PER_MS = 1_000_000n;

/** A node as the runtime's files API describes an entry, at `path`. */
export function fileEntryOf(node: ViewNode, path: string): FileEntry {
  const name = posix.basename(path) || '/';
  const { upper, lower } = node;
  if (!upper && lower) {
    const entry = entryFromStats(path, lower.stats);
    return lower.mountPoint ? { ...entry, type: 'directory', size: 0 } : entry;
  }

  const type = nodeType(node);
  const size =
    type === 'symlink'
      ? Buffer.byteLength(upper?.target ?? '')
      : (upper?.size ?? 0);
  const mtimeMs = Number(BigInt(upper?.mtime ?? '0') / NS_PER_MS);
  return {
    name,
    path,
    type: FILE_TYPES[type],
    size,
    mode: ((upper?.mode ?? 0) & 0o7777).toString(8).padStart(4, '0'),
    modifiedAt: new Date(mtimeMs).toISOString(),
  };
}

/** The folder at `path` as it was, symlinks to it followed. */
export async function listFolder(
  view: SnapshotView,
  path: string,
): Promise<FileEntry[]> {
  const folder = await view.resolve(path, true);
  if (nodeType(folder) !== 'dir') {
    throw new ValidationError(`${path} is not a directory`);
  }
  const children = await view.children(folder);
  return children.map((child) =>
    fileEntryOf(child, posix.join(path, posix.basename(child.path))),
  );
}

/** The bytes of the file at `path` as it was, checked if from the store. */
export async function readFile(
  view: SnapshotView,
  objects: ObjectStore,
  lower: LowerLayer,
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  const node = await view.resolve(path, true);
  const type = nodeType(node);
  if (type === 'dir') throw new ValidationError(`${path} is a directory`);
  if (type !== 'file') {
    throw new ValidationError(`${path} is not a regular file`);
  }
  return node.upper
    ? objects.stream(node.upper.hash ?? '')
    : lower.stream(node.path);
}
