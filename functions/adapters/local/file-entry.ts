import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import type {
  FileEntry,
  FileType,
} from '../../../domain/ports/sandbox-runtime.ts';

/** `stat --printf` format read back by parseStat: raw mode, size, mtime. */
export const STAT_FORMAT = '%f %s %.3Y';

/** `find -printf` format read back by parseListing, NUL separated. */
export const LIST_FORMAT = '%y\\t%s\\t%m\\t%T@\\t%f\\0';

const FIND_TYPES: Record<string, FileType> = {
  f: 'file',
  d: 'directory',
  l: 'symlink',
};

const baseName = (path: string) => posix.basename(path) || '/';

const octal = (permissions: number) => permissions.toString(8).padStart(4, '0');

const isoFromSeconds = (seconds: string) =>
  new Date(Math.round(Number.parseFloat(seconds) * 1000)).toISOString();

function typeOfMode(mode: number): FileType {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    default:
      return 'other';
  }
}

/** Reads one line of `stat -c STAT_FORMAT` about `path`. */
export function parseStat(path: string, output: string): FileEntry {
  const [rawMode = '0', size = '0', mtime = '0'] = output.trim().split(' ');
  const mode = Number.parseInt(rawMode, 16);
  return {
    name: baseName(path),
    path,
    type: typeOfMode(mode),
    size: Number(size),
    mode: octal(mode & 0o7777),
    modifiedAt: isoFromSeconds(mtime),
  };
}

/** Reads `find DIR -printf LIST_FORMAT`, sorted by name. */
export function parseListing(dir: string, output: Buffer): FileEntry[] {
  const records = output.toString('utf8').split('\0').filter(Boolean);
  const entries = records.map((record): FileEntry => {
    const [type = '', size = '0', mode = '0', mtime = '0', ...rest] =
      record.split('\t');
    const name = rest.join('\t');
    return {
      name,
      path: posix.join(dir, name),
      type: FIND_TYPES[type] ?? 'other',
      size: Number(size),
      mode: octal(Number.parseInt(mode, 8)),
      modifiedAt: isoFromSeconds(mtime),
    };
  });
  return entries.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** The same entry from a host `lstat`, for the unisolated runtime. */
export function entryFromStats(path: string, stats: Stats): FileEntry {
  return {
    name: baseName(path),
    path,
    type: typeOfMode(stats.mode),
    size: stats.size,
    mode: octal(stats.mode & 0o7777),
    modifiedAt: stats.mtime.toISOString(),
  };
}
