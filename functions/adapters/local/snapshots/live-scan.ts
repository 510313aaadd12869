import { StatCache } from './stat-cache.ts';
import {
  type SandboxStore,
  type StoreContext,
  whilePaused,
} from './store-context.ts';
import type { TreeEntry } from './tree.ts';
import { emptyLayer } from './tree-builder.ts';
import type { TreeSource } from './tree-diff.ts';
import { scanUpper } from './upper-scan.ts';

export interface LiveLayer {
  root: TreeEntry;
  /** Trees of the scan, then of the store for folders it shares. */
  trees: TreeSource;
}

/**
 * The sandbox's layer as it is now, as trees, without storing anything.
 * Paused like a capture, so that it reads one moment and never a file
 * the sandbox is swapping.
 */
export async function scanLive(
  context: StoreContext,
  sandboxId: string,
  store: SandboxStore,
): Promise<LiveLayer> {
  const cache = await StatCache.load(store.dirs.statCache);
  const scan = await whilePaused(context, sandboxId, () =>
    scanUpper({ upper: store.upper, cache, racyFromNs: 0n }),
  );
  const built = scan.built ?? emptyLayer();

  return {
    root: built.root,
    trees: async (hash) =>
      built.trees.get(hash)?.entries ?? store.objects.readTree(hash),
  };
}
