import { type BigIntStats, lstatSync, readdirSync } from 'node:fs';
import { childPath, hostPath } from './store-layout.ts';
import { compareNames } from './tree.ts';

/** One entry of the upper dir as the walk found it. */
export interface WalkedEntry {
  /** Absolute inside the sandbox; `/` is the upper dir itself. */
  path: string;
  name: string;
  stats: BigIntStats;
  /** Folders only, sorted by name. */
  children?: WalkedEntry[];
}

export interface Walk {
  root: WalkedEntry | undefined;
  /** Names that are not UTF-8, which the snapshot format cannot hold. */
  skipped: string[];
}

// Synchronous calls are several times faster here than a promise per
// lstat; yielding this often keeps the event loop responsive.
const ENTRIES_PER_SLICE = 1000;

const nextTick = () => new Promise((done) => setImmediate(done));

/**
 * lstats every entry below `scope` of the upper dir without following a
 * symlink. The sandbox is paused or stopped meanwhile, so nothing moves.
 */
export async function walkUpper(upper: string, scope = '/'): Promise<Walk> {
  const skipped: string[] = [];
  const stats = lstatSync(hostPath(upper, scope), {
    bigint: true,
    throwIfNoEntry: false,
  });
  if (!stats) return { root: undefined, skipped };

  const name = scope === '/' ? '' : (scope.split('/').at(-1) ?? '');
  const root: WalkedEntry = { path: scope, name, stats };
  const pending = stats.isDirectory() ? [root] : [];
  let sinceYield = 0;

  for (let dir = pending.pop(); dir; dir = pending.pop()) {
    dir.children = readChildren(upper, dir, skipped);
    for (const child of dir.children) {
      if (child.stats.isDirectory()) pending.push(child);
    }
    sinceYield += dir.children.length;
    if (sinceYield >= ENTRIES_PER_SLICE) {
      sinceYield = 0;
      await nextTick();
    }
  }
  return { root, skipped };
}

function readChildren(
  upper: string,
  dir: WalkedEntry,
  skipped: string[],
): WalkedEntry[] {
  const children: WalkedEntry[] = [];
  const host = hostPath(upper, dir.path);

  for (const raw of readdirSync(host, { encoding: 'buffer' })) {
    const name = raw.toString('utf8');
    const path = childPath(dir.path, name);
    if (!Buffer.from(name).equals(raw)) {
      skipped.push(path);
      continue;
    }
    const stats = lstatSync(`${host}/${name}`, {
      bigint: true,
      throwIfNoEntry: false,
    });
    if (stats) children.push({ path, name, stats });
  }
  return children.sort((a, b) => compareNames(a.name, b.name));
}
