import { createHash } from 'node:crypto';
import { type BigIntStats, constants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tempName } from './durable-files.ts';
import { IN_MEMORY_BYTES, type ObjectStore } from './object-store.ts';
import { sha256 } from './tree.ts';

const CHUNK_BYTES = 1024 * 1024;

/**
 * Objects a capture writes: staged as temp files while the sandbox is
 * paused, committed once it runs again. Content the store already holds
 * is dropped, so each content is stored once per sandbox.
 */
export class ContentStaging {
  readonly staged = new Map<string, string>();
  /** Bytes of the objects staged: what this capture stores anew. */
  bytes = 0;

  constructor(
    private readonly objects: ObjectStore,
    private readonly tmpDir: string,
  ) {}

  async addBuffer(hash: string, data: Buffer): Promise<void> {
    if (await this.holds(hash, data.length)) return;
    this.staged.set(hash, await this.objects.stage(data));
    this.bytes += data.length;
  }

  private async addTemp(hash: string, temp: string, size: number) {
    if (await this.holds(hash, size)) {
      await unlink(temp);
      return;
    }
    this.staged.set(hash, temp);
    this.bytes += size;
  }

  private async holds(hash: string, size: number): Promise<boolean> {
    return this.staged.has(hash) || (await this.objects.has(hash, size));
  }

  /** Streams a large file into a temp while hashing it. */
  async stageStream(handle: FileHandle): Promise<[string, number]> {
    const temp = tempName(this.tmpDir, 'object');
    const out = await open(temp, 'wx', 0o600);
    try {
      const [hash, size] = await digestStream(handle, (chunk) =>
        out.write(chunk),
      );
      await out.close();
      await this.addTemp(hash, temp, size);
      return [hash, size];
    } catch (error) {
      await out.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}

/** Hashes a file of the upper dir; stages it too when `staging` is given. */
export async function hashUpperFile(
  path: string,
  walked: BigIntStats,
  staging?: ContentStaging,
): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const opened = await handle.stat({ bigint: true });
    if (opened.ino !== walked.ino || opened.dev !== walked.dev) {
      throw new Error(`${path} was replaced while it was read`);
    }

    let hash: string;
    let size: number;
    if (walked.size <= BigInt(IN_MEMORY_BYTES)) {
      const data = await handle.readFile();
      [hash, size] = [sha256(data), data.length];
      await staging?.addBuffer(hash, data);
    } else if (staging) {
      [hash, size] = await staging.stageStream(handle);
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
