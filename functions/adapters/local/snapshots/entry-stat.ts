import { type BigIntStats, constants } from 'node:fs';
import type { EntryType } from './tree.ts';

/**
 * What a scan keeps of an entry's lstat: the fields the stat cache
 * compares, exact, and those a tree entry takes. The rest of the stat
 * is dropped at once, so a walk of many entries keeps little alive.
 */
export interface EntryStat {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** st_mode, the file type included. */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
}

export const entryStat = (stats: BigIntStats): EntryStat => ({
  dev: stats.dev,
  ino: stats.ino,
  size: stats.size,
  mtimeNs: stats.mtimeNs,
  ctimeNs: stats.ctimeNs,
  mode: Number(stats.mode),
  nlink: Number(stats.nlink),
  uid: Number(stats.uid),
  gid: Number(stats.gid),
  rdev: Number(stats.rdev),
});

const typeBits = (stat: EntryStat) => stat.mode & constants.S_IFMT;

export const isFolder = (stat: EntryStat) =>
  typeBits(stat) === constants.S_IFDIR;

export function entryType(stat: EntryStat): EntryType {
  switch (typeBits(stat)) {
    case constants.S_IFREG:
      return 'file';
    case constants.S_IFDIR:
      return 'dir';
    case constants.S_IFLNK:
      return 'symlink';
    case constants.S_IFCHR:
      return stat.rdev === 0 ? 'whiteout' : 'other';
    default:
      return 'other';
  }
}

export const inodeKey = (stat: EntryStat) => `${stat.dev}:${stat.ino}`;
