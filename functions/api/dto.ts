import { SANDBOX_SIZES } from '../../domain/sandbox/sizes.ts';
import type { Sandbox } from '../../domain/sandbox/state.ts';
import type { Snapshot } from '../../domain/snapshots/snapshot.ts';

/** A sandbox as the API shows it: tenancy and bookkeeping stay inside. */
export function sandboxDto(sandbox: Sandbox) {
  const {
    tenantId: _tenant,
    restartPending: _restart,
    snapshots,
    keepSnapshots: _keep,
    stopSnapshotId: _stopSnapshot,
    bootSnapshotId: _bootSnapshot,
    usage: _usage,
    ...shown
  } = sandbox;
  const newest = snapshots.filter((s) => s.status === 'completed').at(-1);
  return {
    ...shown,
    resources: SANDBOX_SIZES[sandbox.size],
    lastSnapshotAt: newest?.createdAt ?? null,
    snapshotCount: snapshots.length,
  };
}

export const snapshotDto = (sandboxId: string, snapshot: Snapshot) => ({
  ...snapshot,
  sandboxId,
});
