import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { NotFoundError } from '../../../../domain/errors.ts';
import type { SnapshotStats } from '../../../../domain/ports/snapshot-store.ts';
import { fsyncPath, tempName, unlessMissing } from './durable-files.ts';
import { recordPath, type StoreDirs } from './store-layout.ts';
import type { TreeEntry } from './tree.ts';

/**
 * A complete snapshot: written last, after every object it names is on
 * the disk, so its presence is what makes the snapshot exist.
 */
export interface SnapshotRecord {
  v: 1;
  id: string;
  createdAt: string;
  /** The upper dir itself; its hash names the root tree. */
  root: TreeEntry;
  stats: SnapshotStats;
}

const RECORD_FILE = /^(snap-[A-Za-z0-9_-]+)\.json$/;

export async function readRecord(
  dirs: StoreDirs,
  snapshotId: string,
): Promise<SnapshotRecord | undefined> {
  const text = await unlessMissing(
    readFile(recordPath(dirs.records, snapshotId), 'utf8'),
  );
  return text === undefined ? undefined : (JSON.parse(text) as SnapshotRecord);
}

export async function requireRecord(
  dirs: StoreDirs,
  sandboxId: string,
  snapshotId: string,
): Promise<SnapshotRecord> {
  const record = await readRecord(dirs, snapshotId);
  if (!record) {
    throw new NotFoundError(
      `snapshot ${snapshotId} of sandbox ${sandboxId} not found`,
    );
  }
  return record;
}

/**
 * Writes the record to a temp file, unflushed: the capture flushes it
 * with its objects, then publishes it.
 */
export async function stageRecord(
  dirs: StoreDirs,
  record: SnapshotRecord,
): Promise<string> {
  const temp = tempName(dirs.tmp, `${record.id}.json`);
  await writeFile(temp, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
  return temp;
}

/** Names the flushed temp as the record, durably: the snapshot exists. */
export async function publishRecord(
  dirs: StoreDirs,
  snapshotId: string,
  temp: string,
): Promise<void> {
  await rename(temp, recordPath(dirs.records, snapshotId));
  await fsyncPath(dirs.records);
}

/** Every complete snapshot, oldest first. */
export async function listRecords(dirs: StoreDirs): Promise<SnapshotRecord[]> {
  const names = (await unlessMissing(readdir(dirs.records))) ?? [];
  const ids = names.flatMap((name) => RECORD_FILE.exec(name)?.[1] ?? []);
  const records = await Promise.all(ids.map((id) => readRecord(dirs, id)));
  return records
    .filter((record): record is SnapshotRecord => record !== undefined)
    .sort(
      (a, b) =>
        a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
}
