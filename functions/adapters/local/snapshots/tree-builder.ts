import { entryType, inodeKey } from './entry-stat.ts';
import type { EntryFacts } from './stat-cache.ts';
import { type EntryType, encodeTree, type TreeEntry } from './tree.ts';
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
 * hash for is taken as that tree, not encoded again.
 */
export function buildTrees(
  root: WalkedEntry,
  factsOf: (entry: WalkedEntry) => EntryFacts,
  kept: (folder: WalkedEntry) => string | undefined = () => undefined,
): BuiltTrees {
  const links = linkGroups(root);
  const trees = new Map<string, StoredTree>();
  const rebuilt = new Map<WalkedEntry, string>();
  const counted = new Set<string>();
  let entryCount = -1;
  let sizeBytes = 0;

  const count = (walked: WalkedEntry): void => {
    entryCount++;
    const { stats } = walked;
    if (entryType(stats) !== 'file') return;
    // Each hard-linked inode once; most files have no other name.
    if (stats.nlink > 1) {
      const inode = inodeKey(stats);
      if (counted.has(inode)) return;
      counted.add(inode);
    }
    sizeBytes += Number(stats.size);
  };
  const countBelow = (walked: WalkedEntry): void => {
    for (const child of walked.children ?? []) {
      count(child);
      countBelow(child);
    }
  };

  const build = (walked: WalkedEntry): TreeEntry => {
    count(walked);
    const facts = factsOf(walked);
    const type = entryType(walked.stats);
    let hash = facts.hash;

    if (walked.children) {
      hash = kept(walked);
      if (hash !== undefined) {
        countBelow(walked);
      } else {
        const entries = walked.children.map(build);
        const tree = encodeTree(entries);
        trees.set(tree.hash, { bytes: tree.bytes, entries });
        rebuilt.set(walked, tree.hash);
        hash = tree.hash;
      }
    }
    return entryOf(walked, type, { ...facts, hash }, links.get(walked.path));
  };

  const rootEntry = build(root);
  return { root: rootEntry, trees, rebuilt, entryCount, sizeBytes };
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
 * Path -> first path of its inode, for inodes the walk met more than
 * once. Whiteouts share one inode by overlayfs' design: not a link.
 */
function linkGroups(root: WalkedEntry): Map<string, string> {
  const members = new Map<string, string[]>();
  const visit = (walked: WalkedEntry) => {
    const type = entryType(walked.stats);
    if (walked.stats.nlink > 1 && type !== 'dir' && type !== 'whiteout') {
      const key = inodeKey(walked.stats);
      const group = members.get(key) ?? [];
      group.push(walked.path);
      members.set(key, group);
    }
    for (const child of walked.children ?? []) visit(child);
  };
  visit(root);

  const links = new Map<string, string>();
  for (const group of members.values()) {
    if (group.length < 2) continue;
    for (const path of group) links.set(path, group[0] as string);
  }
  return links;
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
