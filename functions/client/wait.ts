import { WaitTimeoutError } from './errors.ts';
import type { Sandbox, SandboxStatus } from './types.ts';

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
export async function pollForStatus(
  read: (id: string) => Promise<Sandbox>,
  id: string,
  statuses: readonly SandboxStatus[],
  options: WaitOptions,
): Promise<Sandbox> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? DEFAULT_POLL_MS;

  for (;;) {
    const sandbox = await read(id);
    if (statuses.includes(sandbox.status)) return sandbox;

    if (Date.now() + interval > deadline) {
      throw new WaitTimeoutError(
        id,
        sandbox.status,
        statuses,
        options.timeoutMs,
      );
    }
    await sleep(interval);
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
