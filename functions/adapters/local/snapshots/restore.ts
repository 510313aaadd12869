import { lstat, mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { RestoreStats } from '../../../../domain/ports/snapshot-store.ts';
import { unlessMissing } from './durable-files.ts';
import { cacheRestored } from './restored-rows.ts';
import type { SnapshotRecord } from './snapshot-records.ts';
import { StatCache } from './stat-cache.ts';
import type { SandboxStore } from './store-context.ts';
import { childPath, hostPath } from './store-layout.ts';
import {
  compareNames,
  sameEntry,
  sameIdentity,
  type TreeEntry,
} from './tree.ts';
import type { TreeSource } from './tree-diff.ts';
import { scanUpper } from './upper-scan.ts';
import { UpperWriter } from './upper-writer.ts';

interface ChainLink {
  path: string;
  entry: TreeEntry;
}

/**
 * Makes a stopped sandbox's upper dir equal to a snapshot within
 * `scopes` (outermost, normalized paths). It compares the snapshot's
 * trees with a scan of the upper dir and skips every folder whose tree
 * hash already matches, so the work follows what differs.
 */
export async function restoreUpper(
  store: SandboxStore,
  record: SnapshotRecord,
  scopes: readonly string[],
): Promise<RestoreStats & { unsupportedXattrs: number }> {
  const cache = await StatCache.load(store.dirs.statCache);
  const restorer = new Restorer(store, cache);
  await mkdir(store.upper, { recursive: true });
  await mkdir(store.dirs.tmp, { recursive: true });
  for (const scope of scopes) await restorer.restore(record.root, scope);

  const unsupportedXattrs = await restorer.writer.finish();
  // Refused xattrs leave entries other than the snapshot says.
  if (unsupportedXattrs === 0) {
    await cacheRestored(store, cache, restorer.writer.settled);
  }
  const { rewritten, bytesWritten } = restorer.writer;
  return { rewritten, bytesWritten, unsupportedXattrs };
}

class Restorer {
  readonly writer: UpperWriter;

  constructor(
    private readonly store: SandboxStore,
    private readonly cache: StatCache,
  ) {
    this.writer = new UpperWriter(store.upper, store.objects, store.dirs.tmp);
  }

  async restore(root: TreeEntry, scope: string): Promise<void> {
    const chain = await this.snapshotChain(root, scope);
    const last = chain.at(-1);
    const wanted = last?.path === scope ? last.entry : undefined;
    const parents = await this.prepareParents(scope, chain, wanted);
    if (!parents) return;

    const scan = await scanUpper({
      upper: this.store.upper,
      scope,
      cache: this.cache,
      racyFromNs: 0n,
    });
    // Folders the scan did not encode again are the stored trees.
    const built = scan.built?.trees;
    const trees: TreeSource = async (hash) =>
      built?.get(hash)?.entries ?? this.store.objects.readTree(hash);
    await this.reconcile(scope, wanted, scan.built?.root, trees);
    parents.finish();
  }

  private async reconcile(
    path: string,
    wanted: TreeEntry | undefined,
    present: TreeEntry | undefined,
    trees: TreeSource,
  ): Promise<void> {
    if (!wanted) {
      if (present) this.writer.remove(path, await countBelow(present, trees));
      return;
    }
    if (present && sameEntry(wanted, present)) return;

    if (present && sameIdentity(wanted, present)) {
      if (wanted.type === 'dir') {
        await this.reconcileChildren(path, wanted, present, trees);
      }
      this.writer.setMetadata(path, wanted, present);
      return;
    }
    // Files and symlinks replace a non-folder by rename, atomically.
    const replaces =
      (wanted.type === 'file' || wanted.type === 'symlink') &&
      present?.type !== 'dir';
    if (present && !replaces) {
      this.writer.remove(path, await countBelow(present, trees));
    }
    await this.create(path, wanted);
  }

  private async reconcileChildren(
    path: string,
    wanted: TreeEntry,
    present: TreeEntry,
    trees: TreeSource,
  ): Promise<void> {
    const wantedChildren = await this.readTree(wanted);
    const presentChildren = await trees(present.hash ?? '');
    const wantedByName = new Map(wantedChildren.map((c) => [c.name, c]));
    const presentByName = new Map(presentChildren.map((c) => [c.name, c]));
    const names = new Set([...wantedByName.keys(), ...presentByName.keys()]);

    for (const name of [...names].sort(compareNames)) {
      await this.reconcile(
        childPath(path, name),
        wantedByName.get(name),
        presentByName.get(name),
        trees,
      );
    }
  }

  private async create(path: string, entry: TreeEntry): Promise<void> {
    if (path !== '/') this.writer.create(path, entry);

    if (entry.type === 'dir') {
      for (const child of await this.readTree(entry)) {
        await this.create(childPath(path, child.name), child);
      }
    }
    this.writer.setMetadata(path, entry);
  }

  /**
   * Makes the scope's parents real folders of the upper dir, creating the
   * missing ones as the snapshot has them, and remembers the mtime of the
   * parent that was there. Undefined when the scope is absent from both
   * (never through a symlink: the upper dir is the sandbox's to shape).
   */
  private async prepareParents(
    scope: string,
    chain: readonly ChainLink[],
    wanted: TreeEntry | undefined,
  ): Promise<{ finish: () => void } | undefined> {
    const created: ChainLink[] = [];
    let keptMtime: string | undefined;

    for (const parent of ancestorsOf(scope)) {
      const host = hostPath(this.store.upper, parent);
      const stats = await unlessMissing(lstat(host, { bigint: true }));
      if (stats?.isDirectory() || this.writer.makesFolder(parent)) {
        keptMtime = stats?.isDirectory() ? String(stats.mtimeNs) : undefined;
        continue;
      }
      const link = chain.find((candidate) => candidate.path === parent);
      if (!wanted || !link) return undefined;

      if (stats) this.writer.remove(parent, 0);
      this.writer.create(parent, link.entry);
      created.push(link);
      keptMtime = undefined;
    }

    return {
      finish: () => {
        const parent = posix.dirname(scope);
        if (keptMtime !== undefined) this.writer.keepMtime(parent, keptMtime);
        for (const link of created.reverse()) {
          this.writer.setMetadata(link.path, link.entry);
        }
      },
    };
  }

  /** The snapshot's entries from the root down to `scope`, as far as any. */
  private async snapshotChain(root: TreeEntry, scope: string) {
    const chain: ChainLink[] = [{ path: '/', entry: root }];
    for (const name of scope.split('/').filter(Boolean)) {
      const { path, entry } = chain.at(-1) as ChainLink;
      if (entry.type !== 'dir') break;
      const child = (await this.readTree(entry)).find((c) => c.name === name);
      if (!child) break;
      chain.push({ path: childPath(path, name), entry: child });
    }
    return chain;
  }

  private readTree(entry: TreeEntry): Promise<TreeEntry[]> {
    return this.store.objects.readTree(entry.hash ?? '');
  }
}

/** `/`, `/a`, `/a/b` for `/a/b/c`; none for `/`. */
function ancestorsOf(path: string): string[] {
  const names = path.split('/').filter(Boolean);
  return names.map((_, index) => `/${names.slice(0, index).join('/')}`);
}

async function countBelow(
  entry: TreeEntry,
  trees: TreeSource,
): Promise<number> {
  if (entry.type !== 'dir') return 0;
  let count = 0;
  for (const child of await trees(entry.hash ?? '')) {
    count += 1 + (await countBelow(child, trees));
  }
  return count;
}
