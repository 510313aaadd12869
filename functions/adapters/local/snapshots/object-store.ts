import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
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
  fsyncPath,
  mapLimited,
  tempName,
  unlessMissing,
} from './durable-files.ts';
import { objectPath, type StoreDirs } from './store-layout.ts';
import { decodeTree, sha256, type TreeEntry } from './tree.ts';

// Files up to this size are copied through memory, larger ones streamed.
export const IN_MEMORY_BYTES = 4 * 1024 * 1024;

// Parallel fsyncs let the disk merge flushes; more brings nothing.
const SYNC_PARALLELISM = 16;

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
 * restored. New objects arrive as temp files and become visible by rename
 * only once flushed.
 */
export class ObjectStore {
  private readonly trees = new Map<string, TreeEntry[]>();

  constructor(private readonly dirs: StoreDirs) {}

  pathOf(hash: string): string {
    return objectPath(this.dirs.objects, hash);
  }

  /** Present, and of the right size when given (a torn write is not). */
  async has(hash: string, size?: number): Promise<boolean> {
    const stats = await unlessMissing(lstat(this.pathOf(hash)));
    return stats !== undefined && (size === undefined || stats.size === size);
  }

  /** Writes `data` to a temp file that `commit` later names `hash`. */
  async stage(data: Buffer): Promise<string> {
    const temp = tempName(this.dirs.tmp, 'object');
    await writeFile(temp, data, { flag: 'wx', mode: 0o600 });
    return temp;
  }

  /** Flushes staged temps, renames them into place, flushes the names. */
  async commit(staged: ReadonlyMap<string, string>): Promise<void> {
    if (staged.size === 0) return;
    const entries = [...staged];
    await mapLimited(entries, SYNC_PARALLELISM, ([, temp]) => fsyncPath(temp));

    const folders = new Set(
      entries.map(([hash]) => dirname(this.pathOf(hash))),
    );
    for (const folder of folders) await mkdir(folder, { recursive: true });
    await mapLimited(entries, SYNC_PARALLELISM, ([hash, temp]) =>
      rename(temp, this.pathOf(hash)),
    );

    const parents = [...folders, this.dirs.objects, this.dirs.root];
    await mapLimited(parents, SYNC_PARALLELISM, fsyncPath);
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

    const entries = decodeTree(await this.read(hash));
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
    await mapLimited(hashes, SYNC_PARALLELISM, (hash) =>
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
