import { dirname } from 'node:path';
import { fsyncPath, mapLimited } from './durable-files.ts';
import { syncFileSystem } from './metadata-calls.ts';

// Up to this many new files are flushed one by one: cheaper than a
// syncfs, which also waits for every other dirty page of the disk.
const FSYNC_EACH_UP_TO = 16;

// Parallel fsyncs let the disk merge flushes; more brings nothing.
const FSYNC_PARALLELISM = 16;

/**
 * Makes new files and their names durable: each file and each folder
 * that names one fsynced, or, for many, one syncfs of the file system
 * they are on (`root`, which holds them all). Returns once all of it is
 * on the disk; a write-back error fails it.
 */
export async function flushNewFiles(
  files: readonly string[],
  folders: Iterable<string>,
  root: string,
): Promise<void> {
  if (files.length === 0) return;
  if (files.length > FSYNC_EACH_UP_TO) return syncFileSystem(root);

  await mapLimited(files, FSYNC_PARALLELISM, fsyncPath);
  const names = new Set([...folders, ...files.map((file) => dirname(file))]);
  await mapLimited([...names], FSYNC_PARALLELISM, fsyncPath);
}
