import type { Snapshot } from '../../domain/snapshots/snapshot.ts';
import { MANIFEST_KEY, sha256Hex, writeManifest } from './manifest.ts';
import {
  messageOf,
  NotYetError,
  recordProgress,
  type TransferParts,
} from './transfer-parts.ts';

const EVENTS_KEY = 'events.jsonl';

/**
 * Carries out one export: the snapshots' data into the target's store
 * (or EBS copies into the target region), the event history, and the
 * manifest with every file's digest, written last, so that a package
 * without a manifest is one that was not finished. Running it again
 * (after a crash, or while EBS copies) picks up where it was.
 */
export async function runExport(
  parts: TransferParts,
  exportId: string,
): Promise<void> {
  const { records, handler, log } = parts;
  const record = await records.getExport(exportId);
  if (!record || record.status === 'completed' || record.status === 'failed') {
    return;
  }
  const { sandboxId } = record;

  try {
    await records.updateExport(exportId, { status: 'copying' });
    const { state } = await handler.load(sandboxId);
    if (!state) throw new Error(`sandbox ${sandboxId} is gone`);
    const snapshots = record.snapshotIds.map((id) => {
      const snapshot = state.snapshots.find((s) => s.id === id);
      if (!snapshot) throw new Error(`snapshot ${id} is gone`);
      return snapshot;
    });

    const location = `${parts.exportTarget(record.targetRegion)}/${exportId}`;
    const store = parts.openStore(location);
    const packed = await parts.packager.pack({
      sandboxId,
      snapshots,
      targetRegion: record.targetRegion,
      store,
      onProgress: recordProgress(
        log,
        { sandboxId, exportId },
        (bytesDone, bytesTotal) =>
          records.updateExport(exportId, { bytesDone, bytesTotal }),
      ),
    });

    const history = await historyOf(parts, sandboxId);
    await store.put(EVENTS_KEY, history);
    const manifest = writeManifest({
      format: 'auteryn-export/1',
      exportId,
      createdAt: record.createdAt,
      source: { region: record.sourceRegion, sandboxId },
      target: { region: record.targetRegion },
      sandbox: {
        name: state.name,
        image: state.image,
        size: state.size,
        autoShutdown: state.autoShutdown,
        shutdownAfter: state.shutdownAfter,
        idleCpuPercent: state.idleCpuPercent,
        snapshotRetention: state.snapshotRetention,
      },
      engine: packed.engine,
      snapshots: packed.snapshots.map(asCarried),
      files: packed.files,
      events: {
        key: EVENTS_KEY,
        bytes: history.length,
        sha256: sha256Hex(history),
      },
      bytesTotal: packed.bytesTotal,
    });
    await store.put(MANIFEST_KEY, manifest);

    await handler.execute(sandboxId, {
      type: 'RecordExported',
      data: { exportId, location },
    });
    await records.updateExport(exportId, {
      status: 'completed',
      location,
      bytesTotal: packed.bytesTotal,
      bytesDone: packed.bytesTotal,
      completedAt: parts.clock.now().toISOString(),
    });
    log.info('sandbox exported', { sandboxId, exportId, location });
  } catch (error) {
    if (error instanceof NotYetError) {
      log.info('export waits for its copies', { sandboxId, exportId });
      return;
    }
    log.error('export failed', { sandboxId, exportId, error });
    await handler.execute(sandboxId, {
      type: 'RecordExportFailed',
      data: { exportId, error: messageOf(error) },
    });
    await records.updateExport(exportId, {
      status: 'failed',
      error: `export failed: ${messageOf(error)}`,
      completedAt: parts.clock.now().toISOString(),
    });
  }
}

/** A carried snapshot as the manifest holds it: completed, no error. */
const asCarried = (snapshot: Snapshot) => ({
  ...snapshot,
  status: 'completed' as const,
  error: null,
});

/** The sandbox's whole event history, one event a line. */
async function historyOf(
  parts: TransferParts,
  sandboxId: string,
): Promise<Uint8Array> {
  const lines: string[] = [];
  for await (const commit of parts.events.read(sandboxId)) {
    for (const event of commit.events) lines.push(JSON.stringify(event));
  }
  return new TextEncoder().encode(lines.map((line) => `${line}\n`).join(''));
}
