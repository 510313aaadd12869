import type { ObjectStore } from './object-store.ts';
import type { SnapshotRecord } from './snapshot-records.ts';
import { StatCache } from './stat-cache.ts';
import type { StoreDirs } from './store-layout.ts';
import type { TreeEntry } from './tree.ts';

/**
 * Mark and sweep: every object reachable from a remaining snapshot is
 * kept, the rest removed. A tree that cannot be read stops the sweep
 * before anything is removed, since its children would look unused.
 * Cache rows naming a removed object go first, so the cache never vouches
 * for content or a tree the store no longer holds.
 */
export async function collectGarbage(
  dirs: StoreDirs,
  objects: ObjectStore,
  records: readonly SnapshotRecord[],
): Promise<number> {
  const reachable = new Set<string>();
  const mark = async (entry: TreeEntry): Promise<void> => {
    if (entry.hash === undefined || reachable.has(entry.hash)) return;
    reachable.add(entry.hash);
    if (entry.type !== 'dir') return;
    for (const child of await objects.readTree(entry.hash)) await mark(child);
  };
  for (const record of records) await mark(record.root);

  const garbage = (await objects.listAll()).filter(
    (hash) => !reachable.has(hash),
  );
  // A capture saves the cache unflushed: flush a pruned one before any
  // object goes, so that no cache a crash brings back names one.
  const cache = await StatCache.load(dirs.statCache);
  const kept = cache.retained((hash) => reachable.has(hash));
  if (garbage.length > 0 || kept.size !== cache.size) {
    await kept.save(dirs.statCache, dirs.tmp, true);
  }
  await objects.remove(garbage);
  return garbage.length;
}
