import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { tempName, writeDurably } from './durable-files.ts';
import type { EntryStat } from './entry-stat.ts';
import type { EntryFacts } from './stat-cache.ts';

/*
 * The stat cache file: `ASC` and a version byte, then rows, then a
 * CRC-32 of all before it, so a torn file reads as no cache. A row:
 *   u32 row bytes | u16 path bytes | path (UTF-8)
 *   u64 device | u64 inode | u64 size | i64 mtime ns | i64 ctime ns
 *   u8 flags | [32 bytes hash] | [u16 n, target] | [u32 n, xattrs JSON]
 * little endian; the flags say which of the bracketed parts follow.
 */

const MAGIC = Buffer.from('ASC\x02', 'latin1');
export const CACHE_HEADER_BYTES = MAGIC.length;
const CHECKSUM_BYTES = 4;

/** Device to ctime: five 64-bit fields. */
export const STAT_BYTES = 40;

const HAS_HASH = 1;
const HAS_TARGET = 2;
const HAS_XATTRS = 4;
const HASH_BYTES = 32;

// zlib.crc32 came with Node.js 20.15; before it, a slice of a sha256.
const checksum = (data: Buffer): number =>
  typeof zlib.crc32 === 'function'
    ? zlib.crc32(data)
    : createHash('sha256').update(data).digest().readUInt32LE(0);

export function cacheFileIntact(data: Buffer): boolean {
  if (data.length < CACHE_HEADER_BYTES + CHECKSUM_BYTES) return false;
  if (!data.subarray(0, CACHE_HEADER_BYTES).equals(MAGIC)) return false;
  const body = data.subarray(0, data.length - CHECKSUM_BYTES);
  return checksum(body) === data.readUInt32LE(body.length);
}

export function encodeRow(
  path: string,
  stats: EntryStat,
  facts: EntryFacts,
): Buffer {
  const pathBytes = Buffer.from(path);
  const target =
    facts.target === undefined ? undefined : Buffer.from(facts.target);
  const xattrs =
    facts.xattrs === undefined
      ? undefined
      : Buffer.from(JSON.stringify(facts.xattrs));
  const length =
    6 +
    pathBytes.length +
    STAT_BYTES +
    1 +
    (facts.hash === undefined ? 0 : HASH_BYTES) +
    (target ? 2 + target.length : 0) +
    (xattrs ? 4 + xattrs.length : 0);

  const row = Buffer.allocUnsafe(length);
  row.writeUInt32LE(length, 0);
  row.writeUInt16LE(pathBytes.length, 4);
  let at = 6 + pathBytes.copy(row, 6);
  at = row.writeBigUInt64LE(stats.dev, at);
  at = row.writeBigUInt64LE(stats.ino, at);
  at = row.writeBigUInt64LE(stats.size, at);
  at = row.writeBigInt64LE(stats.mtimeNs, at);
  at = row.writeBigInt64LE(stats.ctimeNs, at);
  const flags =
    (facts.hash === undefined ? 0 : HAS_HASH) |
    (target ? HAS_TARGET : 0) |
    (xattrs ? HAS_XATTRS : 0);
  at = row.writeUInt8(flags, at);
  if (facts.hash !== undefined) at += row.write(facts.hash, at, 'hex');
  if (target) at += target.copy(row, row.writeUInt16LE(target.length, at));
  if (xattrs) xattrs.copy(row, row.writeUInt32LE(xattrs.length, at));
  return row;
}

/** The facts of the row whose flags byte is at `at`. */
export function decodeFacts(data: Buffer, at: number): EntryFacts {
  const flags = data[at] ?? 0;
  let next = at + 1;
  const facts: EntryFacts = {};
  if (flags & HAS_HASH) {
    facts.hash = data.toString('hex', next, next + HASH_BYTES);
    next += HASH_BYTES;
  }
  if (flags & HAS_TARGET) {
    const length = data.readUInt16LE(next);
    facts.target = data.toString('utf8', next + 2, next + 2 + length);
    next += 2 + length;
  }
  if (flags & HAS_XATTRS) {
    const length = data.readUInt32LE(next);
    facts.xattrs = JSON.parse(
      data.toString('utf8', next + 4, next + 4 + length),
    );
  }
  return facts;
}

/** Just the hash of the row whose flags byte is at `at`. */
export function rowHash(data: Buffer, at: number): string | undefined {
  const flags = data[at] ?? 0;
  return flags & HAS_HASH
    ? data.toString('hex', at + 1, at + 1 + HASH_BYTES)
    : undefined;
}

/** Writes the rows as the cache file, replacing it by rename. */
export async function writeCacheFile(
  path: string,
  rows: readonly Buffer[],
  tmpDir: string,
  durable: boolean,
): Promise<void> {
  const body = Buffer.concat([MAGIC, ...rows]);
  const trailer = Buffer.allocUnsafe(CHECKSUM_BYTES);
  trailer.writeUInt32LE(checksum(body));
  const data = Buffer.concat([body, trailer]);

  if (durable) return writeDurably(path, data, tmpDir);
  const temp = tempName(tmpDir, 'stat-cache');
  await writeFile(temp, data, { flag: 'wx', mode: 0o600 });
  await rename(temp, path);
}
