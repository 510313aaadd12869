import { entryType, inodeKey } from './entry-stat.ts';
import type { EntryFacts } from './stat-cache.ts';
import {
  compareNames,
  type EntryType,
  encodeTree,
  type TreeEntry,
} from './tree.ts';
import type { WalkedEntry } from './upper-walk.ts';

export interface StoredTree {
  bytes: Buffer;
  entries: TreeEntry[];
}

export interface BuiltTrees {
  /** The upper dir itself, named ''. */
  root: TreeEntry;
  /** The tree of every folder encoded anew, by its hash. */
  trees: Map<string, StoredTree>;
  /** Folder -> hash of its tree, for those encoded anew. */
  rebuilt: Map<WalkedEntry, string>;
  /** Entries below the root. */
  entryCount: number;
  /** Content bytes, each hard-linked file counted once. */
  sizeBytes: number;
}

/**
 * Turns a walk into trees, bottom up: a folder's tree names its entries
 * and the hashes of its subfolders' trees, so an unchanged folder keeps
 * its hash and a comparison can skip it whole. A folder `kept` names a
 * hash for is taken as that tree, not encoded again nor descended into.
 */
export function buildTrees(
  walk: { root: WalkedEntry; entries: readonly WalkedEntry[] },
  factsOf: (entry: WalkedEntry) => EntryFacts,
  kept: (folder: WalkedEntry) => string | undefined = () => undefined,
): BuiltTrees {
  const links = linkGroups(walk.entries);
  const trees = new Map<string, StoredTree>();
  const rebuilt = new Map<WalkedEntry, string>();

  const build = (walked: WalkedEntry): TreeEntry => {
    const facts = factsOf(walked);
    const type = entryType(walked.stats);
    let hash = facts.hash;

    if (walked.children) {
      hash = kept(walked);
      if (hash === undefined) {
        const entries = walked.children.map(build);
        const tree = encodeTree(entries);
        trees.set(tree.hash, { bytes: tree.bytes, entries });
        rebuilt.set(walked, tree.hash);
        hash = tree.hash;
      }
    }
    return entryOf(walked, type, { ...facts, hash }, links.get(walked.path));
  };

  const root = build(walk.root);
  const entryCount = walk.entries.length - 1;
  return { root, trees, rebuilt, entryCount, sizeBytes: sizeOf(walk.entries) };
}

/** Content bytes of the files, each hard-linked inode counted once. */
function sizeOf(entries: readonly WalkedEntry[]): number {
  const counted = new Set<string>();
  let bytes = 0;
  for (const { stats } of entries) {
    if (entryType(stats) !== 'file') continue;
    if (stats.nlink > 1) {
      const inode = inodeKey(stats);
      if (counted.has(inode)) continue;
      counted.add(inode);
    }
    bytes += Number(stats.size);
  }
  return bytes;
}

function entryOf(
  walked: WalkedEntry,
  type: EntryType,
  facts: EntryFacts,
  link: string | undefined,
): TreeEntry {
  const { stats } = walked;
  return {
    name: walked.name,
    type,
    mode: type === 'other' ? stats.mode : stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    mtime: String(stats.mtimeNs),
    size: type === 'file' ? Number(stats.size) : 0,
    hash: type === 'file' || type === 'dir' ? facts.hash : undefined,
    target: type === 'symlink' ? facts.target : undefined,
    rdev: type === 'other' ? stats.rdev : undefined,
    xattrs: facts.xattrs,
    link,
  };
}

/**
 * Path -> first path of its inode in walk order (the order a restore
 * creates them in), for inodes the walk met more than once. Whiteouts
 * share one inode by overlayfs' design: not a link.
 */
function linkGroups(entries: readonly WalkedEntry[]): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const { stats, path } of entries) {
    const type = entryType(stats);
    if (stats.nlink <= 1 || type === 'dir' || type === 'whiteout') continue;
    const key = inodeKey(stats);
    const group = members.get(key) ?? [];
    group.push(path);
    members.set(key, group);
  }

  const links = new Map<string, string>();
  for (const group of members.values()) {
    if (group.length < 2) continue;
    const [first] = group.sort(compareWalkOrder) as [string];
    for (const path of group) links.set(path, first);
  }
  return links;
}

/** Folders before what they hold, names sorted within each. */
function compareWalkOrder(a: string, b: string): number {
  const [namesA, namesB] = [a.split('/'), b.split('/')];
  const common = Math.min(namesA.length, namesB.length);
  for (let index = 0; index < common; index++) {
    const order = compareNames(namesA[index] ?? '', namesB[index] ?? '');
    if (order !== 0) return order;
  }
  return namesA.length - namesB.length;
}

/** A sandbox that never ran has an empty layer. */
export function emptyLayer(): BuiltTrees {
  const tree = encodeTree([]);
  const root: TreeEntry = {
    name: '',
    type: 'dir',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: '0',
    size: 0,
    hash: tree.hash,
  };
  return {
    root,
    trees: new Map([[tree.hash, { bytes: tree.bytes, entries: [] }]]),
    rebuilt: new Map(),
    entryCount: 0,
    sizeBytes: 0,
  };
}
