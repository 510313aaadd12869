import type { RecordedEvent } from '../sandbox/events.ts';
import type { ActiveExport } from '../sandbox/state.ts';

type ExportEvent = Extract<
  RecordedEvent,
  {
    type: 'SandboxExportRequested' | 'SandboxExported' | 'SandboxExportFailed';
  }
>;

export const isExportEvent = (event: RecordedEvent): event is ExportEvent =>
  event.type.startsWith('SandboxExport');

/** The exports under way after one of their events. */
export function evolveExports(
  exports: readonly ActiveExport[],
  event: ExportEvent,
): ActiveExport[] {
  switch (event.type) {
    case 'SandboxExportRequested':
      return [
        ...exports,
        {
          exportId: event.data.exportId,
          snapshotIds: event.data.snapshotIds,
        },
      ];
    case 'SandboxExported':
    case 'SandboxExportFailed':
      return exports.filter((e) => e.exportId !== event.data.exportId);
  }
}
