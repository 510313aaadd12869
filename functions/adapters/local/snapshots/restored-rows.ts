import { lstatSync } from 'node:fs';
import { type EntryStat, entryStat } from './entry-stat.ts';
import type { StatCache } from './stat-cache.ts';
import { fileSystemNow, type SandboxStore } from './store-context.ts';
import { hostPath } from './store-layout.ts';
import type { TreeEntry } from './tree.ts';

// Waits between clock readings while the file system's clock has not
// moved on; a coarse clock ticks every few milliseconds.
const TICK_WAIT_MS = 1;
const TICK_WAITS = 50;

/**
 * Adds rows for the entries a restore wrote, as the snapshot has them,
 * so that the next capture or restore does not read them again. The
 * sandbox is stopped, so nothing changes them after they are stat'd;
 * once the file system's clock has moved past their ctimes, any later
 * change stamps a later one (the racy entries a capture leaves out).
 * Folders are left to be described again: cheap, and a restore of some
 * paths leaves them other than the snapshot's.
 */
export async function cacheRestored(
  store: SandboxStore,
  cache: StatCache,
  settled: ReadonlyMap<string, TreeEntry>,
): Promise<void> {
  const restored: Array<[string, EntryStat, TreeEntry]> = [];
  let latestNs: bigint | undefined;
  for (const [path, entry] of settled) {
    const stats = lstatSync(hostPath(store.upper, path), {
      bigint: true,
      throwIfNoEntry: false,
    });
    if (!stats) continue;
    restored.push([path, entryStat(stats), entry]);
    if (latestNs === undefined || stats.ctimeNs > latestNs) {
      latestNs = stats.ctimeNs;
    }
  }
  if (latestNs === undefined) return;
  const racyFromNs = await clockAfter(store.dirs.tmp, latestNs);

  // Rows of the old cache that a restored path replaces no longer match
  // its stat; the later row of a path wins when the cache is loaded.
  const next = cache.retained(() => true);
  for (const [path, stats, { hash, target, xattrs }] of restored) {
    if (stats.ctimeNs < racyFromNs)
      next.add(path, stats, { hash, target, xattrs });
  }
  await next.save(store.dirs.statCache, store.dirs.tmp, false);
}

/** The file system's clock once past `ns`, or as it is after a while. */
async function clockAfter(tmpDir: string, ns: bigint): Promise<bigint> {
  let now = await fileSystemNow(tmpDir);
  for (let wait = 0; now <= ns && wait < TICK_WAITS; wait++) {
    await new Promise((done) => setTimeout(done, TICK_WAIT_MS));
    now = await fileSystemNow(tmpDir);
  }
  return now;
}
