import { lstatSync, readdirSync } from 'node:fs';
import { type EntryStat, entryStat, isFolder } from './entry-stat.ts';
import { childPath, hostPath } from './store-layout.ts';
import { compareNames } from './tree.ts';

/** One entry of the upper dir as the walk found it. */
export interface WalkedEntry {
  /** Absolute inside the sandbox; `/` is the upper dir itself. */
  path: string;
  name: string;
  stats: EntryStat;
  /** The folder it is in; none for the walk's root. */
  parent: WalkedEntry | undefined;
  /** The stat cache's row for it, if its stat still matches the row. */
  row: number | undefined;
  /** Folders only, sorted by name. */
  children: WalkedEntry[] | undefined;
}

/** The stat cache's row that still holds for an entry, if any. */
export type RowLookup = (path: string, stats: EntryStat) => number | undefined;

export interface Walk {
  root: WalkedEntry | undefined;
  /** Every entry walked, the root first, each folder before its own. */
  entries: WalkedEntry[];
  /** Names that are not UTF-8, which the snapshot format cannot hold. */
  skipped: string[];
}

// Synchronous calls are several times faster here than a promise per
// lstat; yielding this often keeps the event loop responsive.
const ENTRIES_PER_SLICE = 1000;

// What decoding puts in place of bytes that are not UTF-8.
const REPLACEMENT = '\uFFFD';

const nextTick = () => new Promise((done) => setImmediate(done));

/**
 * lstats every entry below `scope` of the upper dir without following a
 * symlink, and looks each up in the stat cache as it goes. The sandbox
 * is paused or stopped meanwhile, so nothing moves.
 */
export async function walkUpper(
  upper: string,
  scope: string,
  rowOf: RowLookup,
): Promise<Walk> {
  const skipped: string[] = [];
  const found = lstatSync(hostPath(upper, scope), {
    bigint: true,
    throwIfNoEntry: false,
  });
  if (!found) return { root: undefined, entries: [], skipped };

  const name = scope === '/' ? '' : (scope.split('/').at(-1) ?? '');
  const stats = entryStat(found);
  const root: WalkedEntry = {
    path: scope,
    name,
    stats,
    parent: undefined,
    row: rowOf(scope, stats),
    children: undefined,
  };
  const entries = [root];
  const pending = isFolder(root.stats) ? [root] : [];
  let sinceYield = 0;

  for (let dir = pending.pop(); dir; dir = pending.pop()) {
    dir.children = readChildren(upper, dir, rowOf, skipped);
    for (const child of dir.children) {
      entries.push(child);
      if (isFolder(child.stats)) pending.push(child);
    }
    sinceYield += dir.children.length;
    if (sinceYield >= ENTRIES_PER_SLICE) {
      sinceYield = 0;
      await nextTick();
    }
  }
  return { root, entries, skipped };
}

function readChildren(
  upper: string,
  dir: WalkedEntry,
  rowOf: RowLookup,
  skipped: string[],
): WalkedEntry[] {
  const children: WalkedEntry[] = [];
  const host = hostPath(upper, dir.path);

  for (const name of utf8Names(host, dir.path, skipped)) {
    const stats = lstatSync(`${host}/${name}`, {
      bigint: true,
      throwIfNoEntry: false,
    });
    if (!stats) continue;
    const path = childPath(dir.path, name);
    const stat = entryStat(stats);
    const row = rowOf(path, stat);
    children.push({
      path,
      name,
      stats: stat,
      parent: dir,
      row,
      children: undefined,
    });
  }
  return children.sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The folder's names, less those that are not UTF-8 (added to
 * `skipped`). Decoding marks a bad byte with U+FFFD, so only a folder
 * with one in a name is listed again as bytes to tell which.
 */
function utf8Names(host: string, path: string, skipped: string[]): string[] {
  const names = readdirSync(host);
  if (!names.some((name) => name.includes(REPLACEMENT))) return names;

  const valid: string[] = [];
  for (const raw of readdirSync(host, { encoding: 'buffer' })) {
    const name = raw.toString('utf8');
    if (Buffer.from(name).equals(raw)) valid.push(name);
    else skipped.push(childPath(path, name));
  }
  return valid;
}
