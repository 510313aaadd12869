import { createHash } from 'node:crypto';
import { NotFoundError } from '../../domain/errors.ts';
import type { SnapshotStore } from '../../domain/ports/snapshot-store.ts';
import type { SandboxService } from '../../domain/services/sandbox-service.ts';
import type { SnapshotService } from '../../domain/services/snapshot-service.ts';
import { newestCompleted } from '../../domain/snapshots/snapshot.ts';
import { snapshotsToCarry } from '../../domain/transfer/carry.ts';
import type {
  ExportInput,
  ExportRecord,
  ImportInput,
  ImportRecord,
} from '../../domain/transfer/transfer.ts';
import { loadManifest } from './import-job.ts';
import type { TransferParts } from './transfer-parts.ts';

const digest = (text: string) =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Exports and imports as the API offers them, per tenant. An export's
 * work starts from its SandboxExportRequested event (the lifecycle
 * hands it on); an import's is started here once its manifest checked
 * out, so a package that is plainly broken is refused at once.
 */
export class TransferService {
  constructor(
    private readonly parts: TransferParts & {
      sandboxes: SandboxService;
      snapshots: SnapshotService;
      store: Pick<SnapshotStore, 'changedSince'>;
      newExportId(): string;
      startImport(importId: string): Promise<void>;
    },
  ) {}

  /**
   * Asks for an export. Without `snapshot`, a sandbox that changed since
   * its newest snapshot gets one first (where the store takes it at
   * once), so the export holds what the sandbox holds now.
   */
  async requestExport(
    tenantId: string,
    sandboxId: string,
    input: ExportInput,
  ): Promise<ExportRecord> {
    const { sandboxes, snapshots, store, handler, records, clock } = this.parts;
    let sandbox = await sandboxes.get(tenantId, sandboxId);
    // Refuses a region there is no store for before anything is asked.
    this.parts.exportTarget(input.targetRegion);
    if (!input.snapshot) {
      const since = newestCompleted(sandbox.snapshots)?.id;
      if (!since || (await store.changedSince(sandboxId, since))) {
        await snapshots.create(tenantId, sandboxId);
        sandbox = await sandboxes.get(tenantId, sandboxId);
      }
    }

    const carried = snapshotsToCarry(sandbox.snapshots, input.snapshot);
    const record: ExportRecord = {
      id: this.parts.newExportId(),
      tenantId,
      sandboxId,
      sourceRegion: this.parts.region,
      targetRegion: input.targetRegion,
      snapshotIds: carried.map((s) => s.id),
      status: 'pending',
      location: null,
      bytesTotal: carried.reduce((sum, s) => sum + s.sizeBytes, 0),
      bytesDone: 0,
      error: null,
      createdAt: clock.now().toISOString(),
      completedAt: null,
    };
    await records.createExport(record);
    await handler.execute(sandboxId, {
      type: 'RequestExport',
      data: {
        exportId: record.id,
        targetRegion: record.targetRegion,
        snapshotIds: record.snapshotIds,
      },
    });
    return (await records.getExport(record.id)) ?? record;
  }

  async getExport(tenantId: string, exportId: string): Promise<ExportRecord> {
    const record = await this.parts.records.getExport(exportId);
    if (!record || record.tenantId !== tenantId) {
      throw new NotFoundError(`no export ${exportId}`);
    }
    return record;
  }

  /**
   * Asks for an import of the package at `source`. The same package
   * imported again is the same import (its id comes from the export's),
   * so it makes one sandbox, not two.
   */
  async requestImport(
    tenantId: string,
    input: ImportInput,
  ): Promise<ImportRecord> {
    const { records, clock } = this.parts;
    const manifest = await loadManifest(this.parts, input.source);
    const importId = `imp-${digest(`${tenantId}:${manifest.exportId}`)}`;
    const existing = await records.getImport(importId);
    if (existing?.status === 'failed') {
      // A failed import created nothing: this one tries again, afresh.
      await records.updateImport(importId, {
        source: input.source,
        status: 'pending',
        error: null,
        bytesDone: 0,
        completedAt: null,
      });
      await this.parts.startImport(importId);
      return (await records.getImport(importId)) ?? existing;
    }
    if (existing) return existing;

    const record: ImportRecord = {
      id: importId,
      tenantId,
      source: input.source,
      exportId: manifest.exportId,
      sourceRegion: manifest.source.region,
      sandboxId: `sbx-${digest(importId)}`,
      snapshotIds: manifest.snapshots.map((s) => s.id),
      status: 'pending',
      bytesTotal: manifest.bytesTotal,
      bytesDone: 0,
      error: null,
      createdAt: clock.now().toISOString(),
      completedAt: null,
    };
    if (!(await records.createImport(record))) {
      return (await records.getImport(importId)) ?? record;
    }
    await this.parts.startImport(importId);
    return (await records.getImport(importId)) ?? record;
  }

  async getImport(tenantId: string, importId: string): Promise<ImportRecord> {
    const record = await this.parts.records.getImport(importId);
    if (!record || record.tenantId !== tenantId) {
      throw new NotFoundError(`no import ${importId}`);
    }
    return record;
  }
}
