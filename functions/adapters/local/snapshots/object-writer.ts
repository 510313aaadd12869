import { createHash } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { mapLimited, tempName } from './durable-files.ts';
import type { EntryStat } from './entry-stat.ts';
import { IN_MEMORY_BYTES, type ObjectStore } from './object-store.ts';
import { sha256 } from './tree.ts';
import type { StoredTree } from './tree-builder.ts';

const CHUNK_BYTES = 1024 * 1024;

// Files up to this size are read without leaving the main thread: for
// most files a thread-pool round trip costs more than the read.
const SYNC_READ_BYTES = 256 * 1024;

// Never through a symlink the sandbox swapped in after the walk.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

// Trees written at once: small files, so the writes overlap well.
const TREE_PARALLELISM = 16;

/**
 * The objects a capture adds, written under their names while the
 * sandbox is paused, once `ready` (the capture's note is on the disk)
 * resolves, and flushed together before the record. Content the store
 * holds already is not written again: each is stored once per sandbox.
 */
export class ObjectWriter {
  /** Paths of the objects written, for the flush. */
  readonly written: string[] = [];
  /** Bytes of the objects written: what this capture stores anew. */
  bytes = 0;

  constructor(
    private readonly objects: ObjectStore,
    private readonly tmpDir: string,
    private readonly ready: Promise<void>,
  ) {}

  async addBuffer(hash: string, data: Buffer): Promise<void> {
    await this.ready;
    if (await this.objects.writeNew(hash, data)) {
      this.added(hash, data.length);
    }
  }

  /** Every tree built anew; those the store holds are left alone. */
  async addTrees(trees: ReadonlyMap<string, StoredTree>): Promise<void> {
    await mapLimited([...trees], TREE_PARALLELISM, ([hash, tree]) =>
      this.addBuffer(hash, tree.bytes),
    );
  }

  /** Streams a large file into a temp while hashing it, then names it. */
  async stageStream(handle: FileHandle): Promise<[string, number]> {
    const temp = tempName(this.tmpDir, 'object');
    const out = await open(temp, 'wx', 0o600);
    try {
      const [hash, size] = await digestStream(handle, (chunk) =>
        out.write(chunk),
      );
      await out.close();
      await this.ready;
      if (await this.objects.adoptNew(hash, temp, size)) this.added(hash, size);
      return [hash, size];
    } catch (error) {
      await out.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  private added(hash: string, size: number): void {
    this.written.push(this.objects.pathOf(hash));
    this.bytes += size;
  }
}

/** Hashes a file of the upper dir; stores it too when `objects` is given. */
export async function hashUpperFile(
  path: string,
  walked: EntryStat,
  objects?: ObjectWriter,
): Promise<string> {
  if (walked.size <= BigInt(SYNC_READ_BYTES)) {
    const data = readSmallFile(path, walked);
    const hash = sha256(data);
    await objects?.addBuffer(hash, data);
    return hash;
  }

  const handle = await open(path, READ_FLAGS);
  try {
    assertSameInode(path, await handle.stat({ bigint: true }), walked);

    let hash: string;
    let size: number;
    if (walked.size <= BigInt(IN_MEMORY_BYTES)) {
      const data = await handle.readFile();
      [hash, size] = [sha256(data), data.length];
      await objects?.addBuffer(hash, data);
    } else if (objects) {
      [hash, size] = await objects.stageStream(handle);
    } else {
      [hash, size] = await digestStream(handle, async () => undefined);
    }

    if (BigInt(size) !== walked.size) {
      throw new Error(`${path} changed size while it was read`);
    }
    return hash;
  } finally {
    await handle.close();
  }
}

function readSmallFile(path: string, walked: EntryStat): Buffer {
  const fd = openSync(path, READ_FLAGS);
  try {
    assertSameInode(path, fstatSync(fd, { bigint: true }), walked);
    const data = readFileSync(fd);
    if (BigInt(data.length) !== walked.size) {
      throw new Error(`${path} changed size while it was read`);
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

function assertSameInode(path: string, opened: BigIntStats, walked: EntryStat) {
  if (opened.ino !== walked.ino || opened.dev !== walked.dev) {
    throw new Error(`${path} was replaced while it was read`);
  }
}

async function digestStream(
  handle: FileHandle,
  onChunk: (chunk: Buffer) => Promise<unknown>,
): Promise<[string, number]> {
  const digest = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    digest.update(chunk);
    await onChunk(chunk);
    size += bytesRead;
  }
  return [digest.digest('hex'), size];
}
