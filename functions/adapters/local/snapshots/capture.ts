import { mkdir } from 'node:fs/promises';
import type { SnapshotStats } from '../../../../domain/ports/snapshot-store.ts';
import { ContentStaging } from './content-staging.ts';
import { resetTempDir } from './durable-files.ts';
import { readRecord, writeRecord } from './snapshot-records.ts';
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
  const cache = await StatCache.load(dirs.statCache);
  const staging = new ContentStaging(objects, dirs.tmp);

  const scan = await whilePaused(context, sandboxId, async () => {
    const racyFromNs = await fileSystemNow(dirs.tmp);
    return scanUpper({ upper, cache, racyFromNs, staging });
  });
  const built = scan.built ?? emptyLayer();
  for (const [hash, tree] of built.trees) {
    await staging.addBuffer(hash, tree.bytes);
  }

  await objects.commit(staging.staged);
  const stats: SnapshotStats = {
    sizeBytes: built.sizeBytes,
    changedBytes: staging.bytes,
    fileCount: built.entryCount,
  };
  await writeRecord(dirs, {
    v: 1,
    id: snapshotId,
    createdAt: new Date().toISOString(),
    root: built.root,
    stats,
  });

  // The cache only saves work: it goes after the snapshot is safe.
  if (scan.reread > 0 || scan.nextCache.size !== cache.size) {
    await scan.nextCache.save(dirs.statCache, dirs.tmp);
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
