import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import type { NameRegistry, SandboxViews } from '../ports/sandbox-views.ts';
import type { Sandbox } from '../sandbox/state.ts';
import { specOf } from './flows.ts';
import type { SandboxLifecycle } from './lifecycle.ts';
import type { SandboxProjector } from './projector.ts';

export interface RecoveryReport {
  sandboxes: number;
  /** Sandboxes whose projection lagged behind the log. */
  projected: number;
  /** Sandboxes booted again because the log says they run. */
  rebooted: number;
  /** Sandboxes with work a crash interrupted, finished now. */
  settled: number;
  /** Name claims left by a create that crashed before its first event. */
  releasedClaims: number;
}

/**
 * The start-up repair pass. A crash can fall between an append and its
 * projection, between a request event and its side effect, in the middle
 * of a snapshot, or between a name claim and the first event; this
 * finishes each from what the log says, and boots the sandboxes that
 * should be running.
 */
export async function recoverAtStart(parts: {
  projector: SandboxProjector;
  views: SandboxViews;
  names: NameRegistry;
  lifecycle: SandboxLifecycle;
  runtime: SandboxRuntime;
}): Promise<RecoveryReport> {
  const { projector, views, names, lifecycle, runtime } = parts;
  const report: RecoveryReport = {
    sandboxes: 0,
    projected: 0,
    rebooted: 0,
    settled: 0,
    releasedClaims: 0,
  };

  const known = new Map<string, number>();
  for await (const view of views.all()) {
    known.set(view.sandbox.id, view.revision);
  }
  for await (const claim of names.claims()) {
    if (!known.has(claim.sandboxId)) known.set(claim.sandboxId, 0);
  }

  for (const [sandboxId, revision] of known) {
    const view = await projector.catchUp(sandboxId);
    if (!view) {
      report.releasedClaims += await releaseOrphanClaims(names, sandboxId);
      continue;
    }
    report.sandboxes++;
    if (view.revision > revision) report.projected++;

    const { sandbox } = view;
    if (sandbox.status === 'running') {
      await runtime.start(specOf(sandbox));
      report.rebooted++;
    }
    if (hasUnfinishedWork(sandbox)) {
      await lifecycle.settle(sandbox);
      report.settled++;
    }
  }
  return report;
}

const hasUnfinishedWork = (sandbox: Sandbox) =>
  !['running', 'stopped', 'deleted'].includes(sandbox.status) ||
  sandbox.pendingRestore !== null ||
  sandbox.snapshots.some((s) => s.status === 'pending');

async function releaseOrphanClaims(
  names: NameRegistry,
  sandboxId: string,
): Promise<number> {
  let released = 0;
  for await (const claim of names.claims()) {
    if (claim.sandboxId === sandboxId) {
      await names.release(claim.tenantId, claim.name, sandboxId);
      released++;
    }
  }
  return released;
}
