import { IllegalStateError, NotFoundError } from '../errors.ts';
import type { SandboxCommand } from '../sandbox/commands.ts';
import type { SandboxEvent } from '../sandbox/events.ts';
import type { Sandbox, SandboxState } from '../sandbox/state.ts';

export type ExportCommand = Extract<
  SandboxCommand,
  { type: 'RequestExport' | 'RecordExported' | 'RecordExportFailed' }
>;

const EXPORT_COMMANDS = new Set<string>([
  'RequestExport',
  'RecordExported',
  'RecordExportFailed',
]);

export const isExportCommand = (
  command: SandboxCommand,
): command is ExportCommand => EXPORT_COMMANDS.has(command.type);

/** The rules of exporting a sandbox. */
export function decideExports(
  command: ExportCommand,
  state: Sandbox,
): SandboxEvent[] {
  const active = state.exports.some(
    (e) => e.exportId === command.data.exportId,
  );
  switch (command.type) {
    case 'RequestExport':
      if (active) return [];
      refuseExport(state, command.data.snapshotIds);
      return [{ type: 'SandboxExportRequested', data: command.data }];
    case 'RecordExported':
      return active ? [{ type: 'SandboxExported', data: command.data }] : [];
    case 'RecordExportFailed':
      return active
        ? [{ type: 'SandboxExportFailed', data: command.data }]
        : [];
  }
}

function refuseExport(state: Sandbox, snapshotIds: string[]): void {
  if (state.status === 'deleting' || state.status === 'deleted') {
    throw new IllegalStateError(
      `cannot export sandbox ${state.id}: it is ${state.status}`,
    );
  }
  if (snapshotIds.length === 0) {
    throw new IllegalStateError(
      `sandbox ${state.id} has no completed snapshot to export`,
    );
  }
  for (const snapshotId of snapshotIds) {
    const snapshot = state.snapshots.find((s) => s.id === snapshotId);
    if (snapshot?.status !== 'completed') {
      throw new NotFoundError(
        `no completed snapshot ${snapshotId} of sandbox ${state.id}`,
      );
    }
  }
}

/**
 * An import is the stream's first event. Repeating it (a retry of the
 * same import) does nothing; any other history there is a conflict.
 */
export function decideImport(
  command: Extract<SandboxCommand, { type: 'ImportSandbox' }>,
  state: SandboxState,
): SandboxEvent[] {
  if (!state) return [{ type: 'SandboxImported', data: command.data }];
  if (state.importedFrom?.importId === command.data.importId) return [];
  throw new IllegalStateError(`sandbox ${state.id} exists`);
}

/** Snapshots an export under way still reads: not to be removed. */
export const snapshotsInExport = (state: Sandbox): Set<string> =>
  new Set(state.exports.flatMap((e) => e.snapshotIds));
