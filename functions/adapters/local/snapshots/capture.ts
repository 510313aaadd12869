import { mkdir } from 'node:fs/promises';
import type { SnapshotStats } from '../../../../domain/ports/snapshot-store.ts';
import { CaptureNote } from './capture-note.ts';
import { resetTempDir } from './durable-files.ts';
import { flushNewFiles } from './file-system-flush.ts';
import { ObjectWriter } from './object-writer.ts';
import { publishRecord, readRecord, stageRecord } from './snapshot-records.ts';
import { StatCache } from './stat-cache.ts';
import {
  fileSystemNow,
  type StoreContext,
  sandboxStore,
  whilePaused,
} from './store-context.ts';
import { emptyLayer } from './tree-builder.ts';
import { scanUpper } from './upper-scan.ts';

/**
 * Captures the sandbox's upper dir as `snapshotId`. Only the walk and the
 * reading of changed entries happen while the sandbox is paused; objects
 * are flushed after it runs again, and the record is written last.
 *
 * Why a crash at any point leaves the snapshot whole or absent: the
 * snapshot exists once its record has its name, and that rename is only
 * made after one flush has put every new object, and the record's own
 * bytes, on the disk. Before it, the objects written so far are named by
 * no record; torn ones among them are swept by the next capture, which
 * finds this one's note (see CaptureNote) before it trusts any object.
 */
export async function captureSnapshot(
  context: StoreContext,
  sandboxId: string,
  snapshotId: string,
): Promise<SnapshotStats> {
  const { dirs, objects, upper } = sandboxStore(context, sandboxId);
  const existing = await readRecord(dirs, snapshotId);
  if (existing) return existing.stats;

  await mkdir(dirs.records, { recursive: true });
  await resetTempDir(dirs.tmp);
  const note = new CaptureNote(dirs, objects);
  if (await note.recover()) {
    context.log.warn('swept what an interrupted snapshot left', {
      sandboxId,
    });
  }
  // Flushed while the walk runs; the first object waits for it.
  const noted = note.begin(snapshotId);
  noted.catch(() => undefined);
  const cache = await StatCache.load(dirs.statCache);
  const writer = new ObjectWriter(objects, dirs.tmp, noted);

  const scan = await whilePaused(context, sandboxId, async () => {
    const racyFromNs = await fileSystemNow(dirs.tmp);
    return scanUpper({ upper, cache, racyFromNs, objects: writer });
  });
  await noted;
  const built = scan.built ?? emptyLayer();
  await writer.addTrees(built.trees);

  const stats: SnapshotStats = {
    sizeBytes: built.sizeBytes,
    changedBytes: writer.bytes,
    fileCount: built.entryCount,
  };
  const record = await stageRecord(dirs, {
    v: 1,
    id: snapshotId,
    createdAt: new Date().toISOString(),
    root: built.root,
    stats,
  });
  const folders = [dirs.objects, dirs.root];
  await flushNewFiles([...writer.written, record], folders, dirs.root);
  await publishRecord(dirs, snapshotId, record);
  await note.clear();

  // The cache only saves work: it goes after the snapshot is safe.
  if (scan.reread > 0 || scan.nextCache.size !== cache.size) {
    await scan.nextCache.save(dirs.statCache, dirs.tmp, false);
  }
  if (scan.walk.skipped.length > 0) {
    context.log.warn('snapshot skipped names that are not utf-8', {
      sandboxId,
      snapshotId,
      paths: scan.walk.skipped.slice(0, 20),
    });
  }
  context.log.info('snapshot captured', {
    sandboxId,
    snapshotId,
    ...stats,
    reread: scan.reread,
  });
  return stats;
}
