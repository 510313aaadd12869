import {
  evolveSnapshots,
  isSnapshotEvent,
} from '../snapshots/evolve-snapshots.ts';
import { newestCompleted, type Snapshot } from '../snapshots/snapshot.ts';
import { evolveExports, isExportEvent } from '../transfer/evolve-exports.ts';
import type { UsageLedger } from '../usage/ledger.ts';
import { keepBooks } from './bookkeeping.ts';
import type {
  ImportOrigin,
  PendingRestore,
  RecordedEvent,
  SandboxSettings,
  StopReason,
} from './events.ts';
import { born } from './genesis.ts';
import type { Isolation } from './isolation.ts';

export type SandboxStatus =
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'deleting'
  | 'deleted';

/** Current state of one sandbox: what `evolve` folds its events into. */
export interface Sandbox extends SandboxSettings {
  id: string;
  tenantId: string;
  name: string;
  image: string;
  status: SandboxStatus;
  /** Why it stopped, or, while `stopping`, why it is stopping. */
  stoppedReason: StopReason | null;
  /** Set while a restart waits for its stop to finish. */
  restartPending: boolean;
  isolation: Isolation | null;
  lastError: string | null;
  /** Live snapshots, oldest first (deleted and pruned ones are gone). */
  snapshots: Snapshot[];
  /** Set from a restore's request until the sandbox is restored. */
  pendingRestore: PendingRestore | null;
  /** Whether deleting the sandbox keeps its snapshots. */
  keepSnapshots: boolean;
  /** When it last became running; null while not running. */
  startedAt: string | null;
  /** The snapshot the current stop took of what changed, if any. */
  stopSnapshotId: string | null;
  /**
   * The snapshot that holds the disk as it was when the sandbox last
   * stopped or was restored: what a runtime that rebuilds disks from
   * snapshots (EBS on AWS) boots from. Locally the disk persists as is.
   */
  bootSnapshotId: string | null;
  /** Running and idle-stopped time per day, for usage reports. */
  usage: UsageLedger;
  /** Exports under way: their snapshots may not go until they are done. */
  exports: ActiveExport[];
  /** Set on a sandbox made by an import: where it came from. */
  importedFrom: ImportOrigin | null;
  createdAt: string;
  updatedAt: string;
  /** Version of the last event applied. */
  version: number;
}

export interface ActiveExport {
  exportId: string;
  snapshotIds: string[];
}

/** `undefined` is the state of a stream that has no events yet. */
export type SandboxState = Sandbox | undefined;

export function evolve(state: SandboxState, event: RecordedEvent): Sandbox {
  if (event.type === 'SandboxCreated' || event.type === 'SandboxImported') {
    return born(event);
  }
  if (!state) throw new Error(`${event.type} before SandboxCreated`);

  return keepBooks(state, move(state, event), event);
}

/** What the event itself changes. */
function move(state: Sandbox, event: RecordedEvent): Sandbox {
  const next = { ...state, updatedAt: event.at, version: event.version };
  if (isSnapshotEvent(event)) {
    return { ...next, snapshots: evolveSnapshots(state.snapshots, event) };
  }
  if (isExportEvent(event)) {
    return { ...next, exports: evolveExports(state.exports, event) };
  }
  switch (event.type) {
    case 'SandboxCreated':
    case 'SandboxImported':
      throw new Error(`sandbox ${state.id} created twice`);
    case 'SandboxStartRequested':
      return { ...next, status: 'starting', lastError: null };
    case 'SandboxStarted':
      return {
        ...next,
        status: 'running',
        stoppedReason: null,
        isolation: event.data.isolation,
        startedAt: event.at,
      };
    case 'SandboxStartFailed':
      return {
        ...next,
        status: 'stopped',
        stoppedReason: 'failure',
        restartPending: false,
        lastError: event.data.error,
      };
    case 'SandboxStopRequested':
      return {
        ...next,
        status: 'stopping',
        stoppedReason: event.data.reason,
      };
    case 'SandboxRestartRequested':
      return {
        ...next,
        status: 'stopping',
        stoppedReason: 'restart',
        restartPending: true,
      };
    case 'SandboxStopped':
      return {
        ...next,
        status: 'stopped',
        stoppedReason: event.data.reason,
        restartPending: false,
        stopSnapshotId: null,
        bootSnapshotId: diskSnapshotAtStop(state),
      };
    case 'SandboxUpdated':
      return { ...next, ...event.data };
    case 'SandboxDeletionRequested':
      return {
        ...next,
        status: 'deleting',
        restartPending: false,
        keepSnapshots: event.data.keepSnapshots ?? false,
      };
    case 'SandboxDeleted':
      return {
        ...next,
        status: 'deleted',
        snapshots: state.keepSnapshots ? state.snapshots : [],
      };
    case 'RestoreRequested':
      return { ...next, status: 'stopping', pendingRestore: event.data };
    case 'SandboxRestored':
      return {
        ...next,
        status: 'stopped',
        pendingRestore: null,
        bootSnapshotId:
          event.data.paths === null
            ? event.data.snapshotId
            : state.bootSnapshotId,
      };
    case 'RestoreFailed':
      return {
        ...next,
        status: 'stopped',
        pendingRestore: null,
        lastError: event.data.error,
      };
    default:
      return assertNever(event);
  }
}

/** The snapshot that holds the disk once the current stop is done. */
function diskSnapshotAtStop(state: Sandbox): string | null {
  const taken = state.snapshots.find((s) => s.id === state.stopSnapshotId);
  if (taken?.status === 'completed') return taken.id;
  if (taken?.status === 'failed') return state.bootSnapshotId;
  return newestCompleted(state.snapshots)?.id ?? state.bootSnapshotId;
}

export const evolveAll = (
  state: SandboxState,
  events: readonly RecordedEvent[],
): SandboxState => events.reduce<SandboxState>(evolve, state);

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
