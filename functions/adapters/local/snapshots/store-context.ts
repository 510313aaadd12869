import { lstat, unlink, writeFile } from 'node:fs/promises';
import { IllegalStateError } from '../../../../domain/errors.ts';
import type { Log } from '../../../../domain/ports/log.ts';
import { sandboxDirs } from '../sandbox-layout.ts';
import { tempName } from './durable-files.ts';
import { ObjectStore } from './object-store.ts';
import { type StoreDirs, storeDirs } from './store-layout.ts';

/**
 * What the store needs of the runtime: NamespaceRuntime fits. A runtime
 * that cannot pause can only have its stopped sandboxes captured.
 */
export interface PausableRuntime {
  isRunning(sandboxId: string): Promise<boolean>;
  pause?(sandboxId: string): Promise<void>;
  resume?(sandboxId: string): Promise<void>;
}

/** Shared by every operation of the store. */
export interface StoreContext {
  /** Real path of the platform's data directory. */
  dataDir: string;
  runtime: PausableRuntime;
  log: Log;
}

/** The folders one operation on one sandbox works with. */
export interface SandboxStore {
  dirs: StoreDirs;
  objects: ObjectStore;
  upper: string;
}

export function sandboxStore(
  context: StoreContext,
  sandboxId: string,
): SandboxStore {
  const dirs = storeDirs(context.dataDir, sandboxId);
  return {
    dirs,
    objects: new ObjectStore(dirs),
    upper: sandboxDirs(context.dataDir, sandboxId).upper,
  };
}

/**
 * Runs `work` with the sandbox's processes frozen when it runs, so what
 * it reads is one moment; always thaws them after.
 */
export async function whilePaused<T>(
  context: StoreContext,
  sandboxId: string,
  work: () => Promise<T>,
): Promise<T> {
  const { runtime } = context;
  if (!(await runtime.isRunning(sandboxId))) return work();

  try {
    if (!runtime.pause) throw new Error('the runtime cannot pause');
    await runtime.pause(sandboxId);
  } catch (error) {
    await runtime.resume?.(sandboxId).catch(() => undefined);
    // It may have stopped in between: then nothing moves anyway.
    if (!(await runtime.isRunning(sandboxId))) return work();
    throw new IllegalStateError(
      `sandbox ${sandboxId} runs and cannot be paused for a consistent snapshot: ${(error as Error).message}`,
    );
  }
  try {
    return await work();
  } finally {
    await runtime.resume?.(sandboxId);
  }
}

/**
 * The file system's clock now, in ns, as it stamps ctimes: a file
 * created and stat'd. Entries changed from then on are racy.
 */
export async function fileSystemNow(tmpDir: string): Promise<bigint> {
  const probe = tempName(tmpDir, 'clock');
  await writeFile(probe, '', { flag: 'wx' });
  try {
    return (await lstat(probe, { bigint: true })).ctimeNs;
  } finally {
    await unlink(probe);
  }
}
