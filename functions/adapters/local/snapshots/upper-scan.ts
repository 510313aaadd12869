import { readlinkSync } from 'node:fs';
import { mapLimited } from './durable-files.ts';
import { entryType, inodeKey, isFolder } from './entry-stat.ts';
import { readXattrs } from './metadata-calls.ts';
import { hashUpperFile, type ObjectWriter } from './object-writer.ts';
import {
  type EntryFacts,
  type StatCache,
  StatCacheBuilder,
} from './stat-cache.ts';
import { hostPath } from './store-layout.ts';
import { type BuiltTrees, buildTrees } from './tree-builder.ts';
import { type Walk, type WalkedEntry, walkUpper } from './upper-walk.ts';

// Files hashed at once: enough to overlap reads with hashing.
const READ_PARALLELISM = 8;

export interface ScanOptions {
  upper: string;
  /** Only this subtree; defaults to the whole upper dir. */
  scope?: string;
  cache: StatCache;
  /**
   * ctime (ns) from which an entry could still change within the same
   * clock tick unseen: such entries are read but not cached (git's
   * "racily clean" problem).
   */
  racyFromNs: bigint;
  /** Given by a capture: new content is written as objects. */
  objects?: ObjectWriter;
}

export interface UpperScan {
  walk: Walk;
  /** Undefined when the scope does not exist. */
  built: BuiltTrees | undefined;
  /** Rows for every entry walked, ready to be the next cache. */
  nextCache: StatCacheBuilder;
  /** Entries that had to be read: those the cache did not vouch for. */
  reread: number;
}

/**
 * Describes the upper dir as trees: a stat walk, then reading only what
 * the stat cache cannot vouch for (content, link target, xattrs), then
 * encoding only the folders with a change below them.
 */
export async function scanUpper(options: ScanOptions): Promise<UpperScan> {
  const { upper, cache } = options;
  const walk = await walkUpper(upper, options.scope ?? '/', (path, stats) =>
    cache.lookup(path, stats),
  );
  const unknown = walk.entries.filter((entry) => entry.row === undefined);
  const changed = changedFolders(walk.entries, cache);

  const read = await readFacts(upper, unknown, options.objects);
  const factsOf = (entry: WalkedEntry): EntryFacts =>
    entry.row === undefined ? (read.get(entry) ?? {}) : cache.facts(entry.row);
  const kept = (folder: WalkedEntry) =>
    changed.has(folder) ? undefined : cache.hash(folder.row ?? -1);
  const built =
    walk.root &&
    buildTrees({ root: walk.root, entries: walk.entries }, factsOf, kept);

  const nextCache = new StatCacheBuilder(cache);
  for (const entry of walk.entries) {
    const tree = built?.rebuilt.get(entry);
    if (entry.row !== undefined && tree === undefined) {
      nextCache.keep(entry.row);
    } else if (
      entry.row !== undefined ||
      entry.stats.ctimeNs < options.racyFromNs
    ) {
      const facts = factsOf(entry);
      nextCache.add(entry.path, entry.stats, {
        ...facts,
        hash: tree ?? facts.hash,
      });
    }
  }
  return { walk, built, nextCache, reread: unknown.length };
}

/**
 * The folders that get a new tree: those with an entry in or below them
 * that its row does not vouch for; the rest keep the tree their row
 * names. Hard links count as changed: a tree names each link's first
 * path, which can move elsewhere, and which a walk of part of the layer
 * may not see. Marking stops at a folder marked before, whose own
 * folders were marked with it, so the work follows the changes.
 */
function changedFolders(
  entries: readonly WalkedEntry[],
  cache: StatCache,
): Set<WalkedEntry> {
  const changed = new Set<WalkedEntry>();
  for (const entry of entries) {
    const folder = isFolder(entry.stats);
    const vouched =
      entry.row !== undefined &&
      (folder ? cache.hash(entry.row) !== undefined : !isLinked(entry));
    if (vouched) continue;

    let dir = folder ? entry : entry.parent;
    for (; dir && !changed.has(dir); dir = dir.parent) changed.add(dir);
  }
  return changed;
}

// Whiteouts share one inode by overlayfs' design: never a link.
const isLinked = (entry: WalkedEntry) =>
  entry.stats.nlink > 1 && entryType(entry.stats) !== 'whiteout';

async function readFacts(
  upper: string,
  entries: readonly WalkedEntry[],
  objects: ObjectWriter | undefined,
): Promise<Map<WalkedEntry, EntryFacts>> {
  const paths = entries.map((entry) => hostPath(upper, entry.path));
  // The perl server reads the xattrs while the files are hashed.
  const xattrs = readXattrs(paths);

  // Hard links share an inode: read its content once.
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (entry: WalkedEntry, path: string) => {
    const key = inodeKey(entry.stats);
    const hash = hashes.get(key) ?? hashUpperFile(path, entry.stats, objects);
    hashes.set(key, hash);
    return hash;
  };
  const contents = mapLimited(
    entries,
    READ_PARALLELISM,
    async (entry, index) => {
      const path = paths[index] as string;
      const type = entryType(entry.stats);
      return {
        hash: type === 'file' ? await hashOf(entry, path) : undefined,
        target: type === 'symlink' ? readlinkSync(path) : undefined,
      };
    },
  );

  const [read, attributes] = await Promise.all([contents, xattrs]);
  return new Map(
    entries.map((entry, index) => [
      entry,
      { ...read[index], xattrs: attributes[index] },
    ]),
  );
}
