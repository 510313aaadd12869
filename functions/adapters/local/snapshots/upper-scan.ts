import { readlinkSync } from 'node:fs';
import { type ContentStaging, hashUpperFile } from './content-staging.ts';
import { mapLimited } from './durable-files.ts';
import { readXattrs } from './metadata-calls.ts';
import { type EntryFacts, StatCache } from './stat-cache.ts';
import { hostPath } from './store-layout.ts';
import { type BuiltTrees, buildTrees, entryType } from './tree-builder.ts';
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
  /** Given by a capture: new content is staged as objects. */
  staging?: ContentStaging;
}

export interface UpperScan {
  walk: Walk;
  /** Undefined when the scope does not exist. */
  built: BuiltTrees | undefined;
  /** Rows for every entry walked, ready to be the next cache. */
  nextCache: StatCache;
  /** Entries that had to be read: those the cache did not vouch for. */
  reread: number;
}

/**
 * Describes the upper dir as trees: a stat walk, then reading only what
 * the stat cache cannot vouch for (content, link target, xattrs).
 */
export async function scanUpper(options: ScanOptions): Promise<UpperScan> {
  const { upper, cache } = options;
  const walk = await walkUpper(upper, options.scope);
  const nextCache = new StatCache();
  const facts = new Map<string, EntryFacts>();
  const unknown: WalkedEntry[] = [];

  for (const entry of flatten(walk.root)) {
    const known = cache.lookup(entry.path, entry.stats);
    if (known) {
      facts.set(entry.path, known);
      nextCache.set(entry.path, entry.stats, known);
    } else {
      unknown.push(entry);
    }
  }

  const read = await readFacts(upper, unknown, options.staging);
  for (const [index, entry] of unknown.entries()) {
    const entryFacts = read[index] as EntryFacts;
    facts.set(entry.path, entryFacts);
    if (entry.stats.ctimeNs < options.racyFromNs) {
      nextCache.set(entry.path, entry.stats, entryFacts);
    }
  }

  const built =
    walk.root && buildTrees(walk.root, (entry) => facts.get(entry.path) ?? {});
  return { walk, built, nextCache, reread: unknown.length };
}

async function readFacts(
  upper: string,
  entries: readonly WalkedEntry[],
  staging: ContentStaging | undefined,
): Promise<EntryFacts[]> {
  const paths = entries.map((entry) => hostPath(upper, entry.path));
  const xattrs = await readXattrs(paths);

  // Hard links share an inode: read its content once.
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (entry: WalkedEntry, path: string) => {
    const key = `${entry.stats.dev}:${entry.stats.ino}`;
    const hash = hashes.get(key) ?? hashUpperFile(path, entry.stats, staging);
    hashes.set(key, hash);
    return hash;
  };

  return mapLimited(entries, READ_PARALLELISM, async (entry, index) => {
    const path = paths[index] as string;
    const type = entryType(entry.stats);
    return {
      hash: type === 'file' ? await hashOf(entry, path) : undefined,
      target: type === 'symlink' ? readlinkSync(path) : undefined,
      xattrs: xattrs[index],
    };
  });
}

function* flatten(root: WalkedEntry | undefined): Generator<WalkedEntry> {
  if (!root) return;
  const pending = [root];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    yield entry;
    if (entry.children) pending.push(...entry.children);
  }
}
