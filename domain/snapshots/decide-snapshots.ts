import { ConflictError, IllegalStateError, NotFoundError } from '../errors.ts';
import type { SandboxCommand } from '../sandbox/commands.ts';
import type { SandboxEvent } from '../sandbox/events.ts';
import type { Sandbox } from '../sandbox/state.ts';
import { snapshotsInExport } from '../transfer/decide-transfers.ts';
import { snapshotsToPrune } from './retention.ts';
import { resolveSnapshot } from './time-travel.ts';

export type SnapshotCommand = Extract<
  SandboxCommand,
  {
    type:
      | 'RequestSnapshot'
      | 'RecordSnapshotStarted'
      | 'RecordSnapshotCompleted'
      | 'RecordSnapshotFailed'
      | 'DeleteSnapshot'
      | 'PruneSnapshots'
      | 'RestoreSandbox'
      | 'RecordRestoreFailed'
      | 'RecordSandboxRestored';
  }
>;

const SNAPSHOT_COMMANDS = new Set<string>([
  'RequestSnapshot',
  'RecordSnapshotStarted',
  'RecordSnapshotCompleted',
  'RecordSnapshotFailed',
  'DeleteSnapshot',
  'PruneSnapshots',
  'RestoreSandbox',
  'RecordRestoreFailed',
  'RecordSandboxRestored',
]);

export const isSnapshotCommand = (
  command: SandboxCommand,
): command is SnapshotCommand => SNAPSHOT_COMMANDS.has(command.type);

/** The rules of snapshots, restores and retention on one sandbox. */
export function decideSnapshots(
  command: SnapshotCommand,
  state: Sandbox,
): SandboxEvent[] {
  switch (command.type) {
    case 'RequestSnapshot':
      return requestSnapshot(state, command.data);
    case 'RecordSnapshotStarted':
      return isPending(state, command.data.snapshotId) &&
        !isStarted(state, command.data.snapshotId)
        ? [{ type: 'SnapshotStarted', data: command.data }]
        : [];
    case 'RecordSnapshotCompleted':
      return isPending(state, command.data.snapshotId)
        ? [{ type: 'SnapshotCompleted', data: command.data }]
        : [];
    case 'RecordSnapshotFailed':
      return isPending(state, command.data.snapshotId)
        ? [{ type: 'SnapshotFailed', data: command.data }]
        : [];
    case 'DeleteSnapshot':
      return deleteSnapshot(state, command.data.snapshotId);
    case 'PruneSnapshots':
      return prune(state, new Date(command.data.now));
    case 'RestoreSandbox':
      return restore(state, command.data);
    case 'RecordSandboxRestored':
      return recordRestored(state, command.data);
    case 'RecordRestoreFailed':
      return recordRestoreFailed(state, command.data.error);
  }
}

const isPending = (state: Sandbox, snapshotId: string) =>
  state.snapshots.some((s) => s.id === snapshotId && s.status === 'pending');

const isStarted = (state: Sandbox, snapshotId: string) =>
  state.snapshots.some((s) => s.id === snapshotId && s.providerId !== null);

function refuseWhileGoneOrRestoring(state: Sandbox, action: string) {
  if (state.status === 'deleting' || state.status === 'deleted') {
    throw new IllegalStateError(
      `cannot ${action}: sandbox ${state.id} is ${state.status}`,
    );
  }
  if (state.pendingRestore) {
    throw new IllegalStateError(
      `cannot ${action}: sandbox ${state.id} is being restored; retry ` +
        'once it is running or stopped',
    );
  }
}

function requestSnapshot(
  state: Sandbox,
  request: Extract<SnapshotCommand, { type: 'RequestSnapshot' }>['data'],
): SandboxEvent[] {
  if (state.snapshots.some((s) => s.id === request.snapshotId)) return [];
  refuseWhileGoneOrRestoring(state, 'take a snapshot');

  const namesake = state.snapshots.find(
    (s) => request.name !== null && s.name === request.name,
  );
  if (namesake) {
    throw new ConflictError(
      `a snapshot named ${request.name} exists (${namesake.id}); pick ` +
        'another name or delete that one',
    );
  }
  return [{ type: 'SnapshotRequested', data: request }];
}

function deleteSnapshot(state: Sandbox, snapshotId: string): SandboxEvent[] {
  const snapshot = state.snapshots.find((s) => s.id === snapshotId);
  if (!snapshot) throw new NotFoundError(`no snapshot ${snapshotId}`);

  if (snapshot.status === 'pending') {
    throw new IllegalStateError(
      `snapshot ${snapshotId} is still being taken; delete it once done`,
    );
  }
  const restore = state.pendingRestore;
  if (
    restore &&
    [restore.snapshotId, restore.preRestoreSnapshotId].includes(snapshotId)
  ) {
    throw new IllegalStateError(
      `snapshot ${snapshotId} is in use by a restore in progress`,
    );
  }
  if (snapshotsInExport(state).has(snapshotId)) {
    throw new IllegalStateError(
      `snapshot ${snapshotId} is being exported; delete it once done`,
    );
  }
  return [{ type: 'SnapshotDeleted', data: { snapshotId } }];
}

function prune(state: Sandbox, now: Date): SandboxEvent[] {
  if (state.status === 'deleting') return [];

  const restore = state.pendingRestore;
  const exporting = snapshotsInExport(state);
  const inUse = [restore?.snapshotId, restore?.preRestoreSnapshotId];
  const snapshotIds = snapshotsToPrune(
    state.snapshots,
    now,
    state.snapshotRetention,
  ).filter((id) => !inUse.includes(id) && !exporting.has(id));

  if (snapshotIds.length === 0) return [];
  return [{ type: 'SnapshotsPruned', data: { snapshotIds } }];
}

function restore(
  state: Sandbox,
  request: Extract<SnapshotCommand, { type: 'RestoreSandbox' }>['data'],
): SandboxEvent[] {
  refuseWhileGoneOrRestoring(state, 'restore');
  if (state.status !== 'running' && state.status !== 'stopped') {
    throw new IllegalStateError(
      `cannot restore sandbox ${state.id} while it is ${state.status}: ` +
        'retry once it is running or stopped',
    );
  }

  const target = resolveSnapshot(state.snapshots, request.snapshot);
  const { preRestoreSnapshotId, paths } = request;
  return [
    {
      type: 'SnapshotRequested',
      data: {
        snapshotId: preRestoreSnapshotId,
        name: null,
        kind: 'pre-restore',
      },
    },
    {
      type: 'RestoreRequested',
      data: {
        snapshotId: target.id,
        paths,
        restartAfter: state.status === 'running',
        preRestoreSnapshotId,
      },
    },
  ];
}

/** A failed restore leaves the sandbox as the restore found it. */
function recordRestoreFailed(state: Sandbox, error: string): SandboxEvent[] {
  const restore = state.pendingRestore;
  if (!restore) return [];

  const failed: SandboxEvent = {
    type: 'RestoreFailed',
    data: { snapshotId: restore.snapshotId, error },
  };
  if (!restore.restartAfter) return [failed];
  return [failed, { type: 'SandboxStartRequested', data: { reason: 'user' } }];
}

function recordRestored(
  state: Sandbox,
  outcome: { rewritten: number; bytesWritten: number },
): SandboxEvent[] {
  const restore = state.pendingRestore;
  if (!restore) return [];

  const restored: SandboxEvent = {
    type: 'SandboxRestored',
    data: { snapshotId: restore.snapshotId, paths: restore.paths, ...outcome },
  };
  if (!restore.restartAfter) return [restored];
  return [
    restored,
    { type: 'SandboxStartRequested', data: { reason: 'user' } },
  ];
}
