import {
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  renameSync,
  symlinkSync,
} from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrorCode, tempName } from './durable-files.ts';
import { applyMetadata, type MetadataOp } from './metadata-calls.ts';
import type { ObjectStore } from './object-store.ts';
import { hostPath } from './store-layout.ts';
import type { TreeEntry } from './tree.ts';

/** A change to the upper dir's names and contents, in the order made. */
type Change =
  | { kind: 'remove'; path: string }
  | { kind: 'mkdir'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'write'; path: string; entry: TreeEntry; staged?: string };

/**
 * Changes a stopped sandbox's upper dir in three steps, so that a bad
 * object leaves it untouched: every new content is first copied out of
 * the store (checked) into temp files; then names change in the order
 * planned, new content arriving by rename; then perl sets ownership,
 * modes, xattrs, devices and mtimes, children before their folder.
 */
export class UpperWriter {
  private readonly changes: Change[] = [];
  private readonly ops: MetadataOp[] = [];
  private readonly touched = new Set<string>();
  private readonly folders = new Set<string>();
  private removedBelow = 0;
  bytesWritten = 0;
  /** Entries other than folders the plan sets, as it leaves them. */
  readonly settled = new Map<string, TreeEntry>();

  constructor(
    private readonly upper: string,
    private readonly objects: ObjectStore,
    private readonly tmpDir: string,
  ) {}

  /** Entries rewritten, created or removed. */
  get rewritten(): number {
    return this.touched.size + this.removedBelow;
  }

  /** Plans removing `path` and the `below` entries under it. */
  remove(path: string, below: number): void {
    this.changes.push({ kind: 'remove', path });
    this.touched.add(path);
    this.removedBelow += below;
  }

  /** Plans making `entry` at `path`; a file or symlink replaces in place. */
  create(path: string, entry: TreeEntry): void {
    this.touched.add(path);
    const host = this.host(path);
    switch (entry.type) {
      case 'dir':
        this.folders.add(path);
        return void this.changes.push({ kind: 'mkdir', path });
      case 'file':
        return void this.changes.push({ kind: 'write', path, entry });
      case 'symlink': {
        const target = entry.target ?? '';
        return void this.changes.push({ kind: 'symlink', path, target });
      }
      case 'whiteout':
      case 'other': {
        const mode = entry.type === 'other' ? entry.mode : constants.S_IFCHR;
        const rdev = entry.rdev ?? 0;
        return void this.ops.push({ kind: 'mknod', path: host, mode, rdev });
      }
      default: {
        const never: never = entry.type;
        throw new Error(`unknown entry type ${never}`);
      }
    }
  }

  /** Whether the plan already makes a folder at `path`. */
  makesFolder(path: string): boolean {
    return this.folders.has(path);
  }

  /** Plans what makes `path`'s metadata `entry`'s (all of it if new). */
  setMetadata(path: string, entry: TreeEntry, current?: TreeEntry): void {
    const ops = metadataOps(this.host(path), entry, current);
    if (ops.length > 0 || current?.mtime !== entry.mtime) {
      this.touched.add(path);
      if (entry.type !== 'dir') this.settled.set(path, entry);
    }
    // A folder's mtime moved with whatever changed inside it.
    if (
      ops.length > 0 ||
      current?.mtime !== entry.mtime ||
      entry.type === 'dir'
    ) {
      ops.push({ kind: 'mtime', path: this.host(path), ns: entry.mtime });
    }
    this.ops.push(...ops);
  }

  /** Plans putting back a folder's mtime once its children changed. */
  keepMtime(path: string, ns: string): void {
    this.ops.push({ kind: 'mtime', path: this.host(path), ns });
  }

  /** Carries out the plan; returns xattrs the file system refused. */
  async finish(): Promise<number> {
    await this.stageContents();
    for (const change of this.changes) await this.apply(change);
    const { unsupportedXattrs } = await applyMetadata(this.ops);
    return unsupportedXattrs;
  }

  private async stageContents(): Promise<void> {
    const writes = this.changes.filter((change) => change.kind === 'write');
    try {
      for (const write of writes) {
        const temp = tempName(this.tmpDir, 'restore');
        await this.objects.copyOut(
          write.entry.hash ?? '',
          write.entry.size,
          temp,
        );
        write.staged = temp;
      }
    } catch (error) {
      await Promise.all(
        writes.map(
          (write) => write.staged && rm(write.staged, { force: true }),
        ),
      );
      throw error;
    }
  }

  // All but removals, which can be large, are single calls made
  // synchronously: a thread-pool round trip costs more than each.
  private async apply(change: Change): Promise<void> {
    const host = this.host(change.path);
    switch (change.kind) {
      case 'remove':
        // rm lstats and never follows a symlink out of the upper dir.
        return rm(host, { recursive: true, force: true });
      case 'mkdir':
        return void mkdirSync(host, { mode: 0o700 });
      case 'symlink': {
        const temp = tempBeside(host);
        symlinkSync(change.target, temp);
        return renameSync(temp, host);
      }
      case 'write':
        return this.write(host, change.entry, change.staged ?? '');
    }
  }

  private async write(host: string, entry: TreeEntry, staged: string) {
    // Later members of a hard-link group link to the first, written before.
    const first = entry.link && this.host(entry.link);
    if (
      first &&
      first !== host &&
      lstatSync(first, { throwIfNoEntry: false })?.isFile()
    ) {
      await rm(staged, { force: true });
      const temp = tempBeside(host);
      linkSync(first, temp);
      return renameSync(temp, host);
    }

    this.bytesWritten += entry.size;
    try {
      renameSync(staged, host);
    } catch (error) {
      // The store may sit on another file system than the sandbox.
      if (!isErrorCode(error, 'EXDEV')) throw error;
      const temp = tempBeside(host);
      await copyFile(staged, temp);
      await rename(temp, host);
      await rm(staged, { force: true });
    }
  }

  private host(path: string): string {
    return hostPath(this.upper, path);
  }
}

/** chown, chmod and xattr steps from `current`'s metadata to `entry`'s. */
function metadataOps(
  path: string,
  entry: TreeEntry,
  current: TreeEntry | undefined,
): MetadataOp[] {
  const ops: MetadataOp[] = [];
  // chown clears setuid bits and security.capability: redo them after.
  const owner = current?.uid !== entry.uid || current?.gid !== entry.gid;
  if (owner) ops.push({ kind: 'chown', path, uid: entry.uid, gid: entry.gid });
  if (entry.type !== 'symlink' && (owner || current?.mode !== entry.mode)) {
    ops.push({ kind: 'chmod', path, mode: entry.mode & 0o7777 });
  }

  const wanted = entry.xattrs ?? {};
  const present = (owner ? undefined : current?.xattrs) ?? {};
  for (const [name, value] of Object.entries(wanted)) {
    if (present[name] !== value)
      ops.push({ kind: 'setxattr', path, name, value });
  }
  for (const name of Object.keys(current?.xattrs ?? {})) {
    if (!(name in wanted)) ops.push({ kind: 'removexattr', path, name });
  }
  return ops;
}

const tempBeside = (path: string) =>
  tempName(dirname(path), '.auteryn-restore');
