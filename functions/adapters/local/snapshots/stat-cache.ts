import type { BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { unlessMissing, writeDurably } from './durable-files.ts';

/** What reading an entry taught: content hash, link target, xattrs. */
export interface EntryFacts {
  hash?: string;
  target?: string;
  xattrs?: Record<string, string>;
}

// device, inode, size, mtime ns, ctime ns: a change to content, mode,
// owner or xattrs moves ctime, which nothing but the kernel can set.
type Row = [string, string, string, string, string, EntryFacts];

const CACHE_VERSION = 1;

const statKey = (stats: BigIntStats): Row =>
  [
    String(stats.dev),
    String(stats.ino),
    String(stats.size),
    String(stats.mtimeNs),
    String(stats.ctimeNs),
    {},
  ] as Row;

/**
 * Path -> stat -> facts, like git's index: an entry whose stat matches
 * its row is known without reading it. Rows only name objects the store
 * holds (written after them, pruned by garbage collection), so a
 * trusted hash never points at nothing.
 */
export class StatCache {
  private readonly rows: Map<string, Row>;

  constructor(rows: Iterable<[string, Row]> = []) {
    this.rows = new Map(rows);
  }

  /** A missing or unreadable cache is an empty one: it only saves work. */
  static async load(path: string): Promise<StatCache> {
    try {
      const text = await unlessMissing(readFile(path, 'utf8'));
      if (text === undefined) return new StatCache();
      const body = JSON.parse(text) as { v: number; rows: [string, Row][] };
      return body.v === CACHE_VERSION
        ? new StatCache(body.rows)
        : new StatCache();
    } catch {
      return new StatCache();
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The facts of `path` if its stat is the one they were read under. */
  lookup(path: string, stats: BigIntStats): EntryFacts | undefined {
    const row = this.rows.get(path);
    if (!row) return undefined;
    const now = statKey(stats);
    for (let field = 0; field < 5; field++) {
      if (row[field] !== now[field]) return undefined;
    }
    return row[5];
  }

  set(path: string, stats: BigIntStats, facts: EntryFacts): void {
    const row = statKey(stats);
    row[5] = facts;
    this.rows.set(path, row);
  }

  /** Forgets the rows whose content hash fails `keep`. */
  retain(keep: (hash: string) => boolean): number {
    let dropped = 0;
    for (const [path, row] of this.rows) {
      const hash = row[5].hash;
      if (hash !== undefined && !keep(hash)) {
        this.rows.delete(path);
        dropped++;
      }
    }
    return dropped;
  }

  async save(path: string, tmpDir: string): Promise<void> {
    const body = { v: CACHE_VERSION, rows: [...this.rows] };
    await writeDurably(path, JSON.stringify(body), tmpDir);
  }
}
