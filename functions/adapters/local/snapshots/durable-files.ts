import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Flushes a file or a folder (its names) to the disk. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const tempName = (tmpDir: string, hint: string) =>
  join(tmpDir, `${hint}-${randomBytes(8).toString('hex')}`);

/**
 * Writes `data` so that `path` holds either its old content or all of
 * the new one, even across a power cut: temp file, fsync, rename, fsync
 * of the folder that now names it.
 */
export async function writeDurably(
  path: string,
  data: Buffer | string,
  tmpDir: string,
): Promise<void> {
  const temp = tempName(tmpDir, basename(path));
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncPath(dirname(path));
}

/** Empties the temp folder: what a crashed capture left is garbage. */
export async function resetTempDir(tmpDir: string): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const leftovers = await readdir(tmpDir);
  await mapLimited(leftovers, 16, (name) =>
    rm(join(tmpDir, name), { recursive: true, force: true }),
  );
}

/** Runs `task` over `items`, at most `limit` at a time, in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

export const isErrorCode = (error: unknown, code: string) =>
  (error as NodeJS.ErrnoException)?.code === code;

/** `undefined` where the path does not exist, the error otherwise. */
export async function unlessMissing<T>(
  work: Promise<T>,
): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT') || isErrorCode(error, 'ENOTDIR')) {
      return undefined;
    }
    throw error;
  }
}
