import {
  evolveSnapshots,
  isSnapshotEvent,
} from '../snapshots/evolve-snapshots.ts';
import {
  DEFAULT_SNAPSHOT_RETENTION,
  type Snapshot,
} from '../snapshots/snapshot.ts';
import type {
  PendingRestore,
  RecordedEvent,
  SandboxSettings,
  StopReason,
} from './events.ts';
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
  createdAt: string;
  updatedAt: string;
  /** Version of the last event applied. */
  version: number;
}

/** `undefined` is the state of a stream that has no events yet. */
export type SandboxState = Sandbox | undefined;

export function evolve(state: SandboxState, event: RecordedEvent): Sandbox {
  if (event.type === 'SandboxCreated') {
    const { sandboxId, tenantId, name, image, ...settings } = event.data;
    return {
      id: sandboxId,
      tenantId,
      name,
      image,
      ...settings,
      snapshotRetention:
        settings.snapshotRetention ?? DEFAULT_SNAPSHOT_RETENTION,
      snapshots: [],
      pendingRestore: null,
      keepSnapshots: false,
      status: 'starting',
      stoppedReason: null,
      restartPending: false,
      isolation: null,
      lastError: null,
      createdAt: event.at,
      updatedAt: event.at,
      version: event.version,
    };
  }
  if (!state) throw new Error(`${event.type} before SandboxCreated`);

  const next = { ...state, updatedAt: event.at, version: event.version };
  if (isSnapshotEvent(event)) {
    return { ...next, snapshots: evolveSnapshots(state.snapshots, event) };
  }
  switch (event.type) {
    case 'SandboxStartRequested':
      return { ...next, status: 'starting', lastError: null };
    case 'SandboxStarted':
      return {
        ...next,
        status: 'running',
        stoppedReason: null,
        isolation: event.data.isolation,
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
      return { ...next, status: 'stopped', pendingRestore: null };
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

export const evolveAll = (
  state: SandboxState,
  events: readonly RecordedEvent[],
): SandboxState => events.reduce<SandboxState>(evolve, state);

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
