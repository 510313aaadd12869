import type { Snapshot } from '../snapshots/snapshot.ts';
import type { SandboxSize } from './sizes.ts';
import type { Sandbox, SandboxStatus } from './state.ts';

/**
 * The few facts of a sandbox that the schedules read. The projection
 * keeps them beside the full state, so an idle check or a snapshot tick
 * over ten thousand sandboxes reads a slim index, not every history.
 */
export interface SandboxSummary {
  id: string;
  tenantId: string;
  status: SandboxStatus;
  size: SandboxSize;
  autoShutdown: boolean;
  shutdownAfter: string;
  idleCpuPercent: number;
  startedAt: string | null;
  restoring: boolean;
  /** The newest completed snapshot: what a change is measured against. */
  lastSnapshotId: string | null;
  lastSnapshotAt: string | null;
  /**
   * When the newest automatic snapshot was accepted or ended: a schedule
   * slot that holds this moment has been served already.
   */
  lastAutoIssuedAt: string | null;
  /** An automatic snapshot requested but not accepted yet (throttled). */
  unissuedAutoSnapshotId: string | null;
  /** Snapshots the provider is still taking (EBS: at most 5 a volume). */
  snapshotsInFlight: number;
}

/** Statuses in which a sandbox holds resources: the schedules' subjects. */
export const ACTIVE_STATUSES: readonly SandboxStatus[] = [
  'starting',
  'running',
  'stopping',
];

export const isActive = (status: SandboxStatus) =>
  ACTIVE_STATUSES.includes(status);

export function summarize(sandbox: Sandbox): SandboxSummary {
  const completed = sandbox.snapshots.filter((s) => s.status === 'completed');
  const newest = completed.at(-1);
  const autos = sandbox.snapshots.filter((s) => s.kind === 'auto');
  const inFlight = (s: Snapshot) =>
    s.status === 'pending' && s.providerId !== null;
  const unissued = autos.find(
    (s) => s.status === 'pending' && s.providerId === null,
  );

  return {
    id: sandbox.id,
    tenantId: sandbox.tenantId,
    status: sandbox.status,
    size: sandbox.size,
    autoShutdown: sandbox.autoShutdown,
    shutdownAfter: sandbox.shutdownAfter,
    idleCpuPercent: sandbox.idleCpuPercent,
    startedAt: sandbox.startedAt,
    restoring: sandbox.pendingRestore !== null,
    lastSnapshotId: newest?.id ?? null,
    lastSnapshotAt: newest?.createdAt ?? null,
    lastAutoIssuedAt: latest(autos.map((s) => s.startedAt ?? s.completedAt)),
    unissuedAutoSnapshotId: unissued?.id ?? null,
    snapshotsInFlight: sandbox.snapshots.filter(inFlight).length,
  };
}

const latest = (moments: (string | null)[]): string | null =>
  moments.reduce<string | null>(
    (max, at) => (at !== null && (max === null || at > max) ? at : max),
    null,
  );
