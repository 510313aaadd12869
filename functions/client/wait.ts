import { WaitTimeoutError } from './errors.ts';
import type { Sandbox, SandboxStatus, Snapshot } from './types.ts';

export interface WaitOptions {
  timeoutMs: number;
  /** Pause between polls; defaults to 200 ms. */
  intervalMs?: number;
}

const DEFAULT_POLL_MS = 200;

/**
 * Reads the sandbox until its status is one of `statuses`. Polling, not
 * a stream: the API has no push, and a few reads a second cost little.
 */
export function pollForStatus(
  read: (id: string) => Promise<Sandbox>,
  id: string,
  statuses: readonly SandboxStatus[],
  options: WaitOptions,
): Promise<Sandbox> {
  return pollUntil(
    () => read(id),
    (sandbox) => statuses.includes(sandbox.status),
    options,
    (last) =>
      new WaitTimeoutError(id, last.status, statuses, options.timeoutMs),
  );
}

/** Reads the snapshot until it is no longer pending. */
export function pollForSnapshot(
  read: () => Promise<Snapshot>,
  ids: { sandboxId: string; snapshotId: string },
  options: WaitOptions,
): Promise<Snapshot> {
  return pollUntil(
    read,
    (snapshot) => snapshot.status !== 'pending',
    options,
    (last) =>
      new WaitTimeoutError(
        ids.sandboxId,
        last.status,
        ['completed', 'failed'],
        options.timeoutMs,
        `snapshot ${ids.snapshotId} of sandbox ${ids.sandboxId}`,
      ),
  );
}

/**
 * Reads a transfer until it completed or failed, telling each reading
 * to `onProgress` (the CLI draws its bar from it).
 */
export function pollForTransfer<T extends { status: string; id: string }>(
  read: () => Promise<T>,
  options: WaitOptions & { onProgress?(transfer: T): void },
): Promise<T> {
  return pollUntil(
    async () => {
      const transfer = await read();
      options.onProgress?.(transfer);
      return transfer;
    },
    (transfer) =>
      transfer.status === 'completed' || transfer.status === 'failed',
    options,
    (last) =>
      new WaitTimeoutError(
        last.id,
        last.status,
        ['completed', 'failed'],
        options.timeoutMs,
        `transfer ${last.id}`,
      ),
  );
}

export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions,
  timedOut: (last: T) => Error,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? DEFAULT_POLL_MS;

  for (;;) {
    const value = await read();
    if (done(value)) return value;

    if (Date.now() + interval > deadline) throw timedOut(value);
    await sleep(interval);
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
