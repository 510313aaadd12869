import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuterynError } from '../../../../domain/errors.ts';
import {
  isErrorCode,
  mapLimited,
  tempName,
  unlessMissing,
} from './durable-files.ts';
import { objectPath, type StoreDirs } from './store-layout.ts';
import { decodeTree, sha256, type TreeEntry } from './tree.ts';

// Files up to this size are copied through memory, larger ones streamed.
export const IN_MEMORY_BYTES = 4 * 1024 * 1024;

// Objects up to this size are written without leaving the main thread.
const SYNC_WRITE_BYTES = 256 * 1024;

const NEW_FILE = { flag: 'wx', mode: 0o600 } as const;

// Removals at once: enough to keep the disk busy.
const REMOVE_PARALLELISM = 16;

// Trees are small and immutable; a restore or a view reads them again.
const TREE_CACHE_SIZE = 4096;

const HASH = /^[0-9a-f]{64}$/;

export const corruptObject = (hash: string, detail: string) =>
  new AuterynError(
    'unexpected',
    `snapshot object ${hash} is corrupt (${detail}); ` +
      'the snapshots that use it cannot be restored or read',
  );

/**
 * File contents and folder trees named by their sha256. Every read checks
 * the content against its name, so a damaged object is refused, never
 * restored. New objects are written under their names unflushed: see
 * CaptureNote for how a capture keeps that safe.
 */
export class ObjectStore {
  private readonly trees = new Map<string, TreeEntry[]>();

  constructor(private readonly dirs: StoreDirs) {}

  pathOf(hash: string): string {
    return objectPath(this.dirs.objects, hash);
  }

  /**
   * Writes `data` as the object `hash` unless the store holds it; true
   * if written. Not flushed: the capture flushes all it wrote at once.
   */
  async writeNew(hash: string, data: Buffer): Promise<boolean> {
    const path = this.pathOf(hash);
    const created = await this.inFolder(path, async () =>
      // For a small object a thread-pool round trip costs more than the
      // write: most are trees and small files.
      data.length <= SYNC_WRITE_BYTES
        ? writeFileSync(path, data, NEW_FILE)
        : writeFile(path, data, NEW_FILE),
    );
    if (created || (await this.holds(path, data.length))) return created;

    // Damaged (cut short): replaced whole, never rewritten in place.
    const temp = tempName(this.dirs.tmp, 'object');
    await writeFile(temp, data, NEW_FILE);
    await rename(temp, path);
    return true;
  }

  /** Names the finished temp file `temp` as `hash`, as `writeNew` does. */
  async adoptNew(hash: string, temp: string, size: number): Promise<boolean> {
    const path = this.pathOf(hash);
    if (await this.holds(path, size)) {
      await unlink(temp);
      return false;
    }
    await this.inFolder(path, () => rename(temp, path));
    return true;
  }

  /** Present and of its size: one cut short is not. */
  private async holds(path: string, size: number): Promise<boolean> {
    const stats = await unlessMissing(lstat(path));
    return stats !== undefined && stats.size === size;
  }

  /**
   * Runs `write` of `path`, making its prefix folder first if missing;
   * false where the object was there already.
   */
  private async inFolder(path: string, write: () => Promise<void>) {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        if (isErrorCode(error, 'EEXIST')) return false;
        if (!isErrorCode(error, 'ENOENT') || attempt > 0) throw error;
        await mkdir(dirname(path), { recursive: true });
      }
    }
  }

  /** `read` without leaving the main thread, for trees and small files. */
  private readSmall(hash: string): Buffer {
    let data: Buffer;
    try {
      data = readFileSync(this.pathOf(hash));
    } catch (error) {
      throw corruptObject(hash, `unreadable: ${(error as Error).message}`);
    }
    if (sha256(data) !== hash) throw corruptObject(hash, 'content mismatch');
    return data;
  }

  async read(hash: string): Promise<Buffer> {
    const data = await readFile(this.pathOf(hash)).catch((error: unknown) => {
      throw corruptObject(hash, `unreadable: ${(error as Error).message}`);
    });
    if (sha256(data) !== hash) throw corruptObject(hash, 'content mismatch');
    return data;
  }

  async readTree(hash: string): Promise<TreeEntry[]> {
    const cached = this.trees.get(hash);
    if (cached) return cached;

    const entries = decodeTree(this.readSmall(hash));
    if (this.trees.size >= TREE_CACHE_SIZE) this.trees.clear();
    this.trees.set(hash, entries);
    return entries;
  }

  /** The content as a stream that errors at its end if it is damaged. */
  async stream(hash: string): Promise<ReadableStream<Uint8Array>> {
    // Opened now, so a collection running later cannot pull it away.
    const handle = await open(this.pathOf(hash), 'r').catch(() => {
      throw corruptObject(hash, 'missing');
    });
    const source = handle.createReadStream();
    const checked = source.pipe(verifying(hash));
    source.once('error', (error) => checked.destroy(error));
    return Readable.toWeb(checked) as ReadableStream<Uint8Array>;
  }

  /** Writes the content to the new file `path`, checked on the way. */
  async copyOut(hash: string, size: number, path: string): Promise<void> {
    if (size <= SYNC_WRITE_BYTES) {
      writeFileSync(path, this.readSmall(hash), { flag: 'wx' });
      return;
    }
    if (size <= IN_MEMORY_BYTES) {
      await writeFile(path, await this.read(hash), { flag: 'wx' });
      return;
    }
    await pipeline(
      createReadStream(this.pathOf(hash)),
      verifying(hash),
      createWriteStream(path, { flags: 'wx' }),
    ).catch(async (error: unknown) => {
      await unlessMissing(unlink(path));
      throw error;
    });
  }

  /** Every object's hash, for garbage collection. */
  async listAll(): Promise<string[]> {
    const prefixes = (await unlessMissing(readdir(this.dirs.objects))) ?? [];
    const hashes: string[] = [];
    for (const prefix of prefixes) {
      const names = await readdir(join(this.dirs.objects, prefix));
      hashes.push(...names.map((name) => prefix + name));
    }
    return hashes.filter((hash) => HASH.test(hash));
  }

  async remove(hashes: readonly string[]): Promise<void> {
    await mapLimited(hashes, REMOVE_PARALLELISM, (hash) =>
      unlessMissing(unlink(this.pathOf(hash))),
    );
    this.trees.clear();
  }
}

/** Passes bytes through and fails at the end unless they hash to `hash`. */
function verifying(hash: string): Transform {
  const digest = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      digest.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = digest.digest('hex');
      done(actual === hash ? null : corruptObject(hash, 'content mismatch'));
    },
  });
}
