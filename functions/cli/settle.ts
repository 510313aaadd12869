import type { Sandbox, SandboxStatus } from '../client/index.ts';
import { type CliContext, progress } from './context.ts';

export type LifecycleAction =
  | 'create'
  | 'start'
  | 'stop'
  | 'restart'
  | 'delete'
  | 'restore';

const VERB: Record<LifecycleAction, string> = {
  create: 'creating',
  start: 'starting',
  stop: 'stopping',
  restart: 'restarting',
  delete: 'deleting',
  restore: 'restoring',
};

/** Where each action comes to rest; `stopped` also ends a failed start. */
const SETTLED: Record<LifecycleAction, readonly SandboxStatus[]> = {
  create: ['running', 'stopped'],
  start: ['running', 'stopped'],
  stop: ['stopped'],
  restart: ['running', 'stopped'],
  delete: ['deleted'],
  // A restore leaves the sandbox running or stopped, as it found it.
  restore: ['running', 'stopped'],
};

// A cloud sandbox boots an ECS task, which can take a minute or two.
const SETTLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Sends the action's request, then waits until the sandbox has settled,
 * telling people on stderr (`starting sbx-… … running (0.4 s)`). The
 * clock starts before the request: locally the request does the work. A
 * start that ended in `stopped` failed, and is reported as an error.
 */
export async function runLifecycle(
  context: CliContext,
  action: LifecycleAction,
  subject: string,
  request: () => Promise<Sandbox>,
  options: {
    wait: boolean;
    /** Throws if the settled sandbox hides a failure, such as a restore's. */
    verify?: (settled: Sandbox) => Promise<void>;
  },
): Promise<Sandbox> {
  const began = performance.now();
  progress(context, `${VERB[action]} ${subject} … `);

  let settled: Sandbox;
  try {
    const requested = await request();
    settled = options.wait
      ? await context.client.waitForStatus(requested.id, SETTLED[action], {
          timeoutMs: SETTLE_TIMEOUT_MS,
        })
      : requested;
    if (options.wait) await options.verify?.(settled);
  } catch (error) {
    progress(context, 'failed\n');
    throw error;
  }

  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const note = options.wait ? '' : ', not waiting';
  progress(context, `${settled.status} (${seconds} s${note})\n`);
  if (options.wait && failedToStart(action, settled)) {
    throw new Error(
      `sandbox ${settled.id} failed to start: ` +
        `${settled.lastError ?? 'no reason was recorded'}`,
    );
  }
  return settled;
}

function failedToStart(action: LifecycleAction, sandbox: Sandbox): boolean {
  // A restore of a stopped sandbox ends stopped: its verify judges it.
  if (action === 'restore') return false;
  const meantToRun = SETTLED[action].includes('running');
  return meantToRun && sandbox.status === 'stopped';
}
