import type { ExportRecord, ImportRecord } from '../transfer/transfer.ts';

/**
 * Exports and imports as they go: status and progress change many times
 * a second during a copy, so they are records kept beside the log, and
 * only their start and end are events on the sandbox's stream.
 */
export interface TransferRecords {
  getExport(exportId: string): Promise<ExportRecord | undefined>;
  getImport(importId: string): Promise<ImportRecord | undefined>;
  /** Writes a new record; false if one with that id exists already. */
  createExport(record: ExportRecord): Promise<boolean>;
  createImport(record: ImportRecord): Promise<boolean>;
  updateExport(exportId: string, change: Partial<ExportRecord>): Promise<void>;
  updateImport(importId: string, change: Partial<ImportRecord>): Promise<void>;
  /** Those a crash may have cut off (pending or copying), to resume. */
  unfinished(): Promise<{ exports: ExportRecord[]; imports: ImportRecord[] }>;
}
