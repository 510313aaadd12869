import type { BigIntStats } from 'node:fs';
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
  /** Every folder's tree by its hash. */
  trees: Map<string, StoredTree>;
  /** Entries below the root. */
  entryCount: number;
  /** Content bytes, each hard-linked file counted once. */
  sizeBytes: number;
}

export function entryType(stats: BigIntStats): EntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice() && stats.rdev === 0n) return 'whiteout';
  return 'other';
}

const inodeKey = (stats: BigIntStats) => `${stats.dev}:${stats.ino}`;

/**
 * Turns a walk into trees, bottom up: a folder's tree names its entries
 * and the hashes of its subfolders' trees, so an unchanged folder keeps
 * its hash and a comparison can skip it whole.
 */
export function buildTrees(
  root: WalkedEntry,
  factsOf: (entry: WalkedEntry) => EntryFacts,
): BuiltTrees {
  const links = linkGroups(root);
  const trees = new Map<string, StoredTree>();
  const counted = new Set<string>();
  let entryCount = -1;
  let sizeBytes = 0;

  const build = (walked: WalkedEntry): TreeEntry => {
    entryCount++;
    const facts = factsOf(walked);
    const type = entryType(walked.stats);
    let hash = facts.hash;

    if (walked.children) {
      const entries = walked.children.map(build);
      const tree = encodeTree(entries);
      trees.set(tree.hash, { bytes: tree.bytes, entries });
      hash = tree.hash;
    }
    if (type === 'file' && !counted.has(inodeKey(walked.stats))) {
      counted.add(inodeKey(walked.stats));
      sizeBytes += Number(walked.stats.size);
    }
    return entryOf(walked, type, { ...facts, hash }, links.get(walked.path));
  };

  const rootEntry = build(root);
  return { root: rootEntry, trees, entryCount, sizeBytes };
}

function entryOf(
  walked: WalkedEntry,
  type: EntryType,
  facts: EntryFacts,
  link: string | undefined,
): TreeEntry {
  const { stats } = walked;
  const mode = Number(stats.mode);
  return {
    name: walked.name,
    type,
    mode: type === 'other' ? mode : mode & 0o7777,
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    mtime: String(stats.mtimeNs),
    size: type === 'file' ? Number(stats.size) : 0,
    hash: type === 'file' || type === 'dir' ? facts.hash : undefined,
    target: type === 'symlink' ? facts.target : undefined,
    rdev: type === 'other' ? Number(stats.rdev) : undefined,
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
    if (walked.stats.nlink > 1n && type !== 'dir' && type !== 'whiteout') {
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
    entryCount: 0,
    sizeBytes: 0,
  };
}
