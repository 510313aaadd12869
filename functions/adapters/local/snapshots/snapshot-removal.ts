import { mkdir, unlink } from 'node:fs/promises';
import { fsyncPath, unlessMissing } from './durable-files.ts';
import { collectGarbage } from './garbage-collect.ts';
import { listRecords } from './snapshot-records.ts';
import { type StoreContext, sandboxStore } from './store-context.ts';
import { recordPath } from './store-layout.ts';

/**
 * Removes the record first, so the snapshot is gone at once, then the
 * objects no remaining snapshot uses. Deleting a deleted snapshot only
 * collects again, which also finishes a collection a crash cut short.
 */
export async function deleteSnapshot(
  context: StoreContext,
  sandboxId: string,
  snapshotId: string,
): Promise<void> {
  const { dirs, objects } = sandboxStore(context, sandboxId);
  const removed = await unlessMissing(
    unlink(recordPath(dirs.records, snapshotId)).then(() => true),
  );
  if (removed) await fsyncPath(dirs.records);

  await mkdir(dirs.tmp, { recursive: true });
  const remaining = await listRecords(dirs);
  const collected = await collectGarbage(dirs, objects, remaining);
  context.log.info('snapshot deleted', {
    sandboxId,
    snapshotId,
    collectedObjects: collected,
  });
}
