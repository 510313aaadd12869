import { SANDBOX_SIZES } from '../../domain/sandbox/sizes.ts';
import type { Sandbox } from '../../domain/sandbox/state.ts';
import type { Snapshot } from '../../domain/snapshots/snapshot.ts';
import type {
  ExportRecord,
  ImportRecord,
} from '../../domain/transfer/transfer.ts';

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
    exports: _exports,
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

/** An export as the API shows it: the tenant stays inside. */
export const exportDto = ({ tenantId: _tenant, ...shown }: ExportRecord) =>
  shown;

export const importDto = ({ tenantId: _tenant, ...shown }: ImportRecord) =>
  shown;
