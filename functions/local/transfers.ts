import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../domain/ports/clock.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { Log } from '../../domain/ports/log.ts';
import type { NameRegistry } from '../../domain/ports/sandbox-views.ts';
import type { SnapshotStore } from '../../domain/ports/snapshot-store.ts';
import type { TransferRecords } from '../../domain/ports/transfer-records.ts';
import type { SandboxCommandHandler } from '../../domain/services/command-handler.ts';
import type { SandboxService } from '../../domain/services/sandbox-service.ts';
import type { SnapshotService } from '../../domain/services/snapshot-service.ts';
import { DynamoDBTransferRecords } from '../adapters/aws/dynamodb-transfer-records.ts';
import { LocalSnapshotPackager } from '../adapters/local/transfer/local-snapshot-packager.ts';
import { objectStoreAt } from '../adapters/object-store-at.ts';
import { runExport } from '../transfer/export-job.ts';
import { runImport } from '../transfer/import-job.ts';
import { TransferJobs } from '../transfer/transfer-jobs.ts';
import type { TransferParts } from '../transfer/transfer-parts.ts';
import { TransferService } from '../transfer/transfer-service.ts';

/**
 * Exports and imports on one machine: packages go to
 * AUTERYN_EXPORT_STORE (a directory or an s3:// prefix) whatever the
 * target region, snapshot data travels in the package, and the work
 * runs in the background, resumed at start if a crash cut it off.
 */
export function localTransfers(parts: {
  dynamodb: DynamoDBClient;
  table: string;
  dataDir: string;
  region: string;
  exportStore: string;
  handler: SandboxCommandHandler;
  events: EventStore;
  names: NameRegistry;
  store: SnapshotStore;
  clock: Clock;
  log: Log;
  wrapRecords?: (records: TransferRecords) => TransferRecords;
}) {
  const jobs = new TransferJobs(parts.log);
  const stored = new DynamoDBTransferRecords(parts.dynamodb, parts.table);
  const records = parts.wrapRecords?.(stored) ?? stored;
  const transferParts: TransferParts = {
    handler: parts.handler,
    events: parts.events,
    names: parts.names,
    records,
    packager: new LocalSnapshotPackager(parts.dataDir, parts.store),
    openStore: (location) => objectStoreAt(location),
    exportTarget: () => parts.exportStore,
    region: parts.region,
    clock: parts.clock,
    log: parts.log,
  };
  const startExport = async (exportId: string) =>
    jobs.start(exportId, () => runExport(transferParts, exportId));
  const startImport = async (importId: string) =>
    jobs.start(importId, () => runImport(transferParts, importId));

  return {
    jobs,
    startExport,
    service: (sandboxes: SandboxService, snapshots: SnapshotService) =>
      new TransferService({
        ...transferParts,
        sandboxes,
        snapshots,
        store: parts.store,
        newExportId: () => `exp-${randomHex()}`,
        startImport,
      }),
    /** Picks up what a crash cut off. */
    resume: async () => {
      const { exports, imports } = await records.unfinished();
      for (const record of exports) await startExport(record.id);
      for (const record of imports) await startImport(record.id);
      return exports.length + imports.length;
    },
  };
}

const randomHex = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
