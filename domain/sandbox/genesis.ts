import { DEFAULT_IDLE_CPU_PERCENT } from '../idle/idle-policy.ts';
import {
  DEFAULT_SNAPSHOT_RETENTION,
  newestCompleted,
} from '../snapshots/snapshot.ts';
import { emptyLedger } from '../usage/ledger.ts';
import type { RecordedEvent } from './events.ts';
import type { Sandbox } from './state.ts';

type Genesis = Extract<
  RecordedEvent,
  { type: 'SandboxCreated' | 'SandboxImported' }
>;

/**
 * A sandbox's first state. A created one starts at once; an imported
 * one arrives stopped with the history it carried, its disk that of the
 * newest snapshot, and starts when first used.
 */
export function born(event: Genesis): Sandbox {
  const fresh = {
    snapshots: [],
    pendingRestore: null,
    keepSnapshots: false,
    startedAt: null,
    stopSnapshotId: null,
    bootSnapshotId: null,
    usage: emptyLedger(),
    exports: [],
    importedFrom: null,
    stoppedReason: null,
    restartPending: false,
    isolation: null,
    lastError: null,
    createdAt: event.at,
    updatedAt: event.at,
    version: event.version,
  };

  if (event.type === 'SandboxCreated') {
    const { sandboxId, tenantId, name, image, ...settings } = event.data;
    return {
      ...fresh,
      ...settings,
      id: sandboxId,
      tenantId,
      name,
      image,
      snapshotRetention:
        settings.snapshotRetention ?? DEFAULT_SNAPSHOT_RETENTION,
      idleCpuPercent: settings.idleCpuPercent ?? DEFAULT_IDLE_CPU_PERCENT,
      status: 'starting',
    };
  }

  const {
    sandboxId,
    tenantId,
    name,
    image,
    snapshots,
    importId,
    exportId,
    source,
    sourceRegion,
    sourceSandboxId,
    ...settings
  } = event.data;
  return {
    ...fresh,
    ...settings,
    id: sandboxId,
    tenantId,
    name,
    image,
    status: 'stopped',
    snapshots,
    bootSnapshotId: newestCompleted(snapshots)?.id ?? null,
    importedFrom: { importId, exportId, source, sourceRegion, sourceSandboxId },
  };
}
