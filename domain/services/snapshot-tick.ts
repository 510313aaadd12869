import type { SandboxViews } from '../ports/sandbox-views.ts';
import type { SandboxLifecycle } from './lifecycle.ts';

/**
 * One tick of the automatic snapshot schedule: every running sandbox
 * that changed since its newest completed snapshot gets one (an unchanged
 * sandbox costs a stat walk and no snapshot), and every history is
 * thinned. Work is queued behind whatever each sandbox is doing.
 */
export async function snapshotTick(
  views: SandboxViews,
  lifecycle: SandboxLifecycle,
): Promise<number> {
  let queued = 0;
  for await (const { sandbox } of views.all()) {
    if (sandbox.status === 'running') {
      lifecycle.enqueue(sandbox.id, (flows) => flows.autoSnapshot(sandbox.id));
      queued++;
    }
    if (sandbox.snapshots.length > 0 && sandbox.status !== 'deleting') {
      lifecycle.enqueue(sandbox.id, (flows) => flows.prune(sandbox.id));
    }
  }
  return queued;
}
