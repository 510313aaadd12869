import { readlinkSync } from 'node:fs';
import { mapLimited } from './durable-files.ts';
import { entryType, inodeKey } from './entry-stat.ts';
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
  const walk = await walkUpper(upper, options.scope);
  const rows = new Map<WalkedEntry, number>();
  const unknown: WalkedEntry[] = [];
  for (const entry of walk.entries) {
    const row = cache.lookup(entry.path, entry.stats);
    if (row === undefined) unknown.push(entry);
    else rows.set(entry, row);
  }

  const read = await readFacts(upper, unknown, options.objects);
  const factsOf = (entry: WalkedEntry): EntryFacts => {
    const row = rows.get(entry);
    return row === undefined ? (read.get(entry) ?? {}) : cache.facts(row);
  };
  // Rows are keyed by path: a partial walk could not tell them whole.
  const wholeLayer = (options.scope ?? '/') === '/';
  const kept =
    walk.root && wholeLayer ? keptFolders(walk.root, rows, cache) : new Map();
  const built =
    walk.root && buildTrees(walk.root, factsOf, (dir) => kept.get(dir));

  const nextCache = new StatCacheBuilder(cache);
  for (const entry of walk.entries) {
    const row = rows.get(entry);
    const tree = built?.rebuilt.get(entry);
    if (row !== undefined && tree === undefined) {
      nextCache.keep(row);
    } else if (row !== undefined || entry.stats.ctimeNs < options.racyFromNs) {
      nextCache.add(entry.path, entry.stats, {
        ...factsOf(entry),
        hash: tree ?? factsOf(entry).hash,
      });
    }
  }
  return { walk, built, nextCache, reread: unknown.length };
}

/**
 * Folder -> tree hash for the folders nothing changed in or below: the
 * folder and every entry below match their rows, so the tree the row
 * names is the one a rebuild would make. Hard links rule a folder out:
 * a tree names each link's first path, which can move elsewhere.
 */
function keptFolders(
  root: WalkedEntry,
  rows: ReadonlyMap<WalkedEntry, number>,
  cache: StatCache,
): Map<WalkedEntry, string> {
  const kept = new Map<WalkedEntry, string>();
  const visit = (dir: WalkedEntry, children: WalkedEntry[]): boolean => {
    let unchanged = true;
    for (const child of children) {
      if (child.children) {
        if (!visit(child, child.children)) unchanged = false;
      } else if (!rows.has(child) || isLinked(child)) {
        unchanged = false;
      }
    }
    const row = rows.get(dir);
    const hash = unchanged && row !== undefined ? cache.hash(row) : undefined;
    if (hash !== undefined) kept.set(dir, hash);
    return hash !== undefined;
  };
  if (root.children) visit(root, root.children);
  return kept;
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
  // One perl process reads the xattrs while the files are hashed.
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
