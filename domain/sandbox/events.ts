import type { SnapshotStats } from '../ports/snapshot-store.ts';
import type {
  Snapshot,
  SnapshotKind,
  SnapshotRetention,
} from '../snapshots/snapshot.ts';
import type { Isolation } from './isolation.ts';
import type { SandboxSize } from './sizes.ts';

/** Why a sandbox stopped; idle shutdown and failures add their own. */
export type StopReason = 'user' | 'restart' | 'idle' | 'failure';

export interface SandboxSettings {
  size: SandboxSize;
  autoShutdown: boolean;
  shutdownAfter: string;
  snapshotRetention: SnapshotRetention;
  /**
   * Above this average CPU use (percent of one CPU) between two idle
   * checks the sandbox counts as busy, so a silent job is not idle.
   */
  idleCpuPercent: number;
}

export interface PendingRestore {
  snapshotId: string;
  /** Restore only these (absolute) paths; null restores everything. */
  paths: string[] | null;
  /** Start the sandbox again once restored (it was running). */
  restartAfter: boolean;
  /** The snapshot of what the restore replaces, taken first. */
  preRestoreSnapshotId: string;
}

/** Where an imported sandbox came from. */
export interface ImportOrigin {
  importId: string;
  exportId: string;
  source: string;
  sourceRegion: string;
  sourceSandboxId: string;
}

/** The first event of a sandbox made by an import. */
export type SandboxImportedData = SandboxSettings &
  ImportOrigin & {
    sandboxId: string;
    tenantId: string;
    name: string;
    image: string;
    /** The history carried, oldest first; the newest is on its disk. */
    snapshots: Snapshot[];
  };

export type SandboxEvent =
  | {
      type: 'SandboxCreated';
      data: SandboxSettings & {
        sandboxId: string;
        tenantId: string;
        name: string;
        image: string;
      };
    }
  | { type: 'SandboxStartRequested'; data: { reason: 'user' | 'wake' } }
  | { type: 'SandboxStarted'; data: { isolation: Isolation } }
  | { type: 'SandboxStartFailed'; data: { error: string } }
  | { type: 'SandboxStopRequested'; data: { reason: StopReason } }
  | { type: 'SandboxRestartRequested'; data: Record<string, never> }
  | { type: 'SandboxStopped'; data: { reason: StopReason } }
  | { type: 'SandboxUpdated'; data: Partial<SandboxSettings> }
  | { type: 'SandboxDeletionRequested'; data: { keepSnapshots?: boolean } }
  | { type: 'SandboxDeleted'; data: Record<string, never> }
  | {
      type: 'SnapshotRequested';
      data: { snapshotId: string; name: string | null; kind: SnapshotKind };
    }
  | {
      type: 'SnapshotStarted';
      data: { snapshotId: string; providerId: string };
    }
  | {
      type: 'SnapshotCompleted';
      data: SnapshotStats & { snapshotId: string; providerId?: string };
    }
  | { type: 'SnapshotFailed'; data: { snapshotId: string; error: string } }
  | { type: 'SnapshotDeleted'; data: { snapshotId: string } }
  | { type: 'SnapshotsPruned'; data: { snapshotIds: string[] } }
  | { type: 'RestoreRequested'; data: PendingRestore }
  | { type: 'RestoreFailed'; data: { snapshotId: string; error: string } }
  | { type: 'SandboxImported'; data: SandboxImportedData }
  | {
      type: 'SandboxExportRequested';
      data: { exportId: string; targetRegion: string; snapshotIds: string[] };
    }
  | { type: 'SandboxExported'; data: { exportId: string; location: string } }
  | { type: 'SandboxExportFailed'; data: { exportId: string; error: string } }
  | {
      type: 'SandboxRestored';
      data: {
        snapshotId: string;
        paths: string[] | null;
        rewritten: number;
        bytesWritten: number;
      };
    };

export type SandboxEventType = SandboxEvent['type'];

/** An event as it stands in a stream: numbered and dated. */
export type RecordedEvent<
  E extends { type: string; data: unknown } = SandboxEvent,
> = E & {
  version: number;
  at: string;
};
