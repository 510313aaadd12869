import { createHash } from 'node:crypto';

/**
 * What the upper dir can hold. A whiteout is the character device 0:0
 * overlayfs leaves where the sandbox deleted something of its image.
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'whiteout' | 'other';

/** One name in a folder of the sandbox's layer, as a snapshot keeps it. */
export interface TreeEntry {
  name: string;
  type: EntryType;
  /** Permission bits; for `other` the whole st_mode, type included. */
  mode: number;
  uid: number;
  gid: number;
  /** Nanoseconds since the epoch, as a decimal string (exact). */
  mtime: string;
  /** Content bytes of a file; 0 for the rest. */
  size: number;
  /** sha256 of a file's content or of a folder's tree. */
  hash?: string;
  /** Where a symlink points, as written. */
  target?: string;
  /** Device number of an `other` (fifo, device, socket). */
  rdev?: number;
  /** Extended attributes, name -> base64 value. */
  xattrs?: Record<string, string>;
  /** Hard links: the path of the group's first member, itself included. */
  link?: string;
}

export interface EncodedTree {
  hash: string;
  bytes: Buffer;
}

// Bumped if the encoding changes, so old and new trees never collide.
const TREE_VERSION = 1;

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

export const sha256 = (data: Buffer | string) =>
  createHash('sha256').update(data).digest('hex');

/** The entry with its keys in one fixed order and no empty fields. */
function canonical(entry: TreeEntry): TreeEntry {
  const names = Object.keys(entry.xattrs ?? {}).sort();
  const xattrs = names.length
    ? Object.fromEntries(names.map((name) => [name, entry.xattrs?.[name]]))
    : undefined;
  return {
    name: entry.name,
    type: entry.type,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtime,
    size: entry.size,
    hash: entry.hash,
    target: entry.target,
    rdev: entry.rdev,
    xattrs: xattrs as Record<string, string> | undefined,
    link: entry.link,
  };
}

/** Same bytes for the same folder, so an unchanged folder stores nothing. */
export function encodeTree(entries: readonly TreeEntry[]): EncodedTree {
  const sorted = [...entries].sort((a, b) => compareNames(a.name, b.name));
  const body = { v: TREE_VERSION, entries: sorted.map(canonical) };
  const bytes = Buffer.from(JSON.stringify(body));
  return { hash: sha256(bytes), bytes };
}

export function decodeTree(bytes: Buffer): TreeEntry[] {
  const body = JSON.parse(bytes.toString('utf8')) as {
    v: number;
    entries: TreeEntry[];
  };
  if (body.v !== TREE_VERSION || !Array.isArray(body.entries)) {
    throw new Error(`unknown tree version ${body.v}`);
  }
  return body.entries;
}

export const compareNames = (a: string, b: string) =>
  a < b ? -1 : a > b ? 1 : 0;

/**
 * Equal in everything a restore would write: what their canonical forms
 * would encode the same, compared field by field.
 */
export const sameEntry = (a: TreeEntry, b: TreeEntry) =>
  a.name === b.name &&
  a.type === b.type &&
  a.mode === b.mode &&
  a.uid === b.uid &&
  a.gid === b.gid &&
  a.mtime === b.mtime &&
  a.size === b.size &&
  a.hash === b.hash &&
  a.target === b.target &&
  a.rdev === b.rdev &&
  a.link === b.link &&
  sameXattrs(a.xattrs ?? {}, b.xattrs ?? {});

function sameXattrs(
  a: Record<string, string>,
  b: Record<string, string>,
): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && a[name] === b[name]);
}

/** Whether `current` can stay and only needs its metadata set. */
export function sameIdentity(a: TreeEntry, b: TreeEntry): boolean {
  if (a.type !== b.type || a.link !== b.link) return false;
  switch (a.type) {
    case 'file':
      return a.hash === b.hash;
    case 'symlink':
      return a.target === b.target;
    case 'other':
      return a.rdev === b.rdev && a.mode >> 12 === b.mode >> 12;
    case 'dir':
    case 'whiteout':
      return true;
    default: {
      const never: never = a.type;
      throw new Error(`unknown entry type ${never}`);
    }
  }
}

/** What a diff reports as changed: all but a folder's own mtime. */
export function sameForDiff(a: TreeEntry, b: TreeEntry): boolean {
  if (a.type !== 'dir' || b.type !== 'dir') return sameEntry(a, b);
  const bare = (entry: TreeEntry) => ({ ...entry, mtime: '', hash: '' });
  return sameEntry(bare(a), bare(b));
}

export const isOpaque = (entry: TreeEntry) =>
  entry.xattrs?.[OPAQUE_XATTR] === Buffer.from('y').toString('base64');
