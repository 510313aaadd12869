import { IllegalStateError, NotFoundError } from '../errors.ts';
import {
  decideSnapshots,
  isSnapshotCommand,
} from '../snapshots/decide-snapshots.ts';
import {
  decideExports,
  decideImport,
  isExportCommand,
} from '../transfer/decide-transfers.ts';
import type { SandboxCommand, UpdateSandboxInput } from './commands.ts';
import type { SandboxEvent, SandboxSettings, StopReason } from './events.ts';
import { assertNever, type Sandbox, type SandboxState } from './state.ts';

/**
 * The sandbox's rules: which events a command produces in a given state.
 * Pure: time, ids and tenancy arrive inside the command. Repeating a
 * command that already took effect yields no events, so retries are safe.
 */
export function decide(
  command: SandboxCommand,
  state: SandboxState,
): SandboxEvent[] {
  if (command.type === 'CreateSandbox') {
    if (state) throw new IllegalStateError(`sandbox ${state.id} exists`);
    const { sandboxId, tenantId, name, image, ...settings } = command.data;
    return [
      {
        type: 'SandboxCreated',
        data: { sandboxId, tenantId, name, image, ...settings },
      },
    ];
  }
  if (command.type === 'ImportSandbox') return decideImport(command, state);
  if (!state) throw new NotFoundError('no such sandbox');
  if (isSnapshotCommand(command)) return decideSnapshots(command, state);
  if (isExportCommand(command)) return decideExports(command, state);

  switch (command.type) {
    case 'StartSandbox':
      return start(state, command.data.reason);
    case 'StopSandbox':
      return stop(state, command.data.reason);
    case 'RestartSandbox':
      return restart(state);
    case 'UpdateSandbox':
      return update(state, command.data);
    case 'DeleteSandbox':
      return remove(state, command.data.keepSnapshots ?? false);
    case 'RecordSandboxStarted':
      return state.status === 'starting'
        ? [{ type: 'SandboxStarted', data: command.data }]
        : [];
    case 'RecordSandboxStartFailed':
      return state.status === 'starting'
        ? [{ type: 'SandboxStartFailed', data: command.data }]
        : [];
    case 'RecordSandboxStopped':
      return recordStopped(state);
    case 'RecordSandboxDeleted':
      return state.status === 'deleting'
        ? [{ type: 'SandboxDeleted', data: {} }]
        : [];
    default:
      return assertNever(command);
  }
}

const isGone = (state: Sandbox) =>
  state.status === 'deleting' || state.status === 'deleted';

function refuseIfGone(state: Sandbox, action: string): void {
  if (isGone(state)) {
    throw new IllegalStateError(
      `cannot ${action} sandbox ${state.id}: it is ${state.status}`,
    );
  }
}

function start(state: Sandbox, reason: 'user' | 'wake'): SandboxEvent[] {
  refuseIfGone(state, 'start');

  if (state.status === 'stopped') {
    return [{ type: 'SandboxStartRequested', data: { reason } }];
  }
  if (state.status === 'stopping' && !state.restartPending) {
    throw new IllegalStateError(
      `cannot start sandbox ${state.id} while it is stopping: ` +
        'retry once it is stopped',
    );
  }
  return [];
}

function stop(state: Sandbox, reason: StopReason): SandboxEvent[] {
  refuseIfGone(state, 'stop');

  if (state.status === 'running' || state.status === 'starting') {
    return [{ type: 'SandboxStopRequested', data: { reason } }];
  }
  return [];
}

function restart(state: Sandbox): SandboxEvent[] {
  refuseIfGone(state, 'restart');

  switch (state.status) {
    case 'running':
      return [{ type: 'SandboxRestartRequested', data: {} }];
    case 'stopped':
      return [{ type: 'SandboxStartRequested', data: { reason: 'user' } }];
    case 'starting':
      return [];
    case 'stopping':
      if (state.restartPending) return [];
      throw new IllegalStateError(
        `cannot restart sandbox ${state.id} while it is stopping: ` +
          'start it once it is stopped',
      );
    default:
      return [];
  }
}

function update(state: Sandbox, input: UpdateSandboxInput): SandboxEvent[] {
  refuseIfGone(state, 'update');

  const wanted: Partial<SandboxSettings> = {
    ...input,
    snapshotRetention: input.snapshotRetention && {
      ...state.snapshotRetention,
      ...input.snapshotRetention,
    },
  };
  const changed = Object.fromEntries(
    Object.entries(wanted).filter(
      ([key, value]) =>
        value !== undefined &&
        JSON.stringify(state[key as keyof SandboxSettings]) !==
          JSON.stringify(value),
    ),
  ) as Partial<SandboxSettings>;
  if (Object.keys(changed).length === 0) return [];

  return [{ type: 'SandboxUpdated', data: changed }];
}

function remove(state: Sandbox, keepSnapshots: boolean): SandboxEvent[] {
  if (isGone(state)) return [];
  if (state.exports.length > 0) {
    throw new IllegalStateError(
      `cannot delete sandbox ${state.id} while it is being exported: ` +
        'retry once the export is done',
    );
  }
  if (state.pendingRestore) {
    throw new IllegalStateError(
      `cannot delete sandbox ${state.id} while it is being restored: ` +
        'retry once the restore is done',
    );
  }
  return [
    {
      type: 'SandboxDeletionRequested',
      data: keepSnapshots ? { keepSnapshots } : {},
    },
  ];
}

function recordStopped(state: Sandbox): SandboxEvent[] {
  if (state.status !== 'stopping') return [];

  const stopped: SandboxEvent = {
    type: 'SandboxStopped',
    data: { reason: state.stoppedReason ?? 'user' },
  };
  if (!state.restartPending) return [stopped];

  return [stopped, { type: 'SandboxStartRequested', data: { reason: 'user' } }];
}
