import { readFile, unlink } from 'node:fs/promises';
import { unlessMissing } from './durable-files.ts';
import type { EntryStat } from './entry-stat.ts';
import {
  CACHE_HEADER_BYTES,
  cacheFileIntact,
  decodeFacts,
  encodeRow,
  rowHash,
  STAT_BYTES,
  writeCacheFile,
} from './stat-cache-file.ts';

/** What reading an entry taught: content or tree hash, target, xattrs. */
export interface EntryFacts {
  hash?: string;
  target?: string;
  xattrs?: Record<string, string>;
}

// The cache of versions before the binary one: dropped, not read.
const LEGACY_FILE = 'stat-cache.json';

/**
 * Path -> stat -> facts, like git's index: an entry whose device, inode,
 * size, mtime and ctime match its row is known without reading it (a
 * change to content, mode, owner or xattrs moves ctime, which nothing but
 * the kernel sets). A folder's facts hold its tree's hash. Rows only name
 * objects of completed snapshots (the cache is saved after the record,
 * and garbage collection prunes it, durably, before removing objects),
 * so a trusted hash never points at nothing.
 *
 * Kept as the file's bytes with an index of paths: a lookup compares in
 * place, and a row that still holds is copied to the next cache as is.
 */
export class StatCache {
  private constructor(
    private readonly data: Buffer,
    /** Path -> offset of its row in `data`. */
    private readonly rows: Map<string, number>,
  ) {}

  static empty(): StatCache {
    return new StatCache(Buffer.alloc(0), new Map());
  }

  /** A missing, torn or unknown cache is an empty one: it saves work. */
  static async load(path: string): Promise<StatCache> {
    const data = await unlessMissing(readFile(path));
    if (data === undefined) {
      await unlessMissing(unlink(path.replace(/[^/]*$/, LEGACY_FILE)));
      return StatCache.empty();
    }
    if (!cacheFileIntact(data)) return StatCache.empty();

    const rows = new Map<string, number>();
    const end = data.length - 4;
    let at = CACHE_HEADER_BYTES;
    while (at < end) {
      const length = data.readUInt32LE(at);
      const pathBytes = data.readUInt16LE(at + 4);
      if (length < 6 + pathBytes + STAT_BYTES + 1) return StatCache.empty();
      rows.set(data.toString('utf8', at + 6, at + 6 + pathBytes), at);
      at += length;
    }
    return at === end ? new StatCache(data, rows) : StatCache.empty();
  }

  get size(): number {
    return this.rows.size;
  }

  /** `path`'s row if its stat is the one its facts were read under. */
  lookup(path: string, stats: EntryStat): number | undefined {
    const row = this.rows.get(path);
    if (row === undefined) return undefined;
    const { data } = this;
    const at = row + 6 + data.readUInt16LE(row + 4);
    const same =
      data.readBigInt64LE(at + 32) === stats.ctimeNs &&
      data.readBigInt64LE(at + 24) === stats.mtimeNs &&
      data.readBigUInt64LE(at + 16) === stats.size &&
      data.readBigUInt64LE(at + 8) === stats.ino &&
      data.readBigUInt64LE(at) === stats.dev;
    return same ? row : undefined;
  }

  facts(row: number): EntryFacts {
    return decodeFacts(this.data, this.factsAt(row));
  }

  /** The content or tree hash of a row, if it has one. */
  hash(row: number): string | undefined {
    return rowHash(this.data, this.factsAt(row));
  }

  /** The rows whose hash, if any, passes `keep`, as a next cache. */
  retained(keep: (hash: string) => boolean): StatCacheBuilder {
    const next = new StatCacheBuilder(this);
    for (const row of this.rows.values()) {
      const hash = this.hash(row);
      if (hash === undefined || keep(hash)) next.keep(row);
    }
    return next;
  }

  /** Where a row's flags byte is, after its path and stat. */
  private factsAt(row: number): number {
    return row + 6 + this.data.readUInt16LE(row + 4) + STAT_BYTES;
  }

  rowLength(row: number): number {
    return this.data.readUInt32LE(row);
  }

  /** Bytes of the file, rows as it holds them. */
  bytes(start: number, end: number): Buffer {
    return this.data.subarray(start, end);
  }
}

/** The rows of the next cache, gathered during a scan. */
export class StatCacheBuilder {
  /**
   * New rows as their bytes; rows carried over from `source` as ranges
   * of its bytes, merged where they follow each other there.
   */
  private readonly parts: Array<Buffer | [number, number]> = [];
  private rows = 0;

  constructor(private readonly source: StatCache) {}

  get size(): number {
    return this.rows;
  }

  /** Carries over a row of the source whose stat still holds. */
  keep(row: number): void {
    this.rows++;
    const end = row + this.source.rowLength(row);
    const last = this.parts.at(-1);
    if (Array.isArray(last) && last[1] === row) last[1] = end;
    else this.parts.push([row, end]);
  }

  add(path: string, stats: EntryStat, facts: EntryFacts): void {
    this.rows++;
    this.parts.push(encodeRow(path, stats, facts));
  }

  /**
   * Replaces the cache atomically. Durable only when asked: a cache a
   * crash loses or tears just costs a re-read, but one that garbage
   * collection pruned must be on the disk before objects go.
   */
  async save(path: string, tmpDir: string, durable: boolean): Promise<void> {
    const chunks = this.parts.map((part) =>
      Buffer.isBuffer(part) ? part : this.source.bytes(part[0], part[1]),
    );
    await writeCacheFile(path, chunks, tmpDir, durable);
  }
}
