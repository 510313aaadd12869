import { lstat, open, readFile, truncate } from 'node:fs/promises';
import { fsyncPath, unlessMissing } from './durable-files.ts';
import { collectGarbage } from './garbage-collect.ts';
import type { ObjectStore } from './object-store.ts';
import { listRecords, readRecord } from './snapshot-records.ts';
import { isSnapshotId, type StoreDirs } from './store-layout.ts';

/**
 * A capture writes its new objects straight under their names and
 * flushes them all at once, just before its record. Killed or cut off
 * before then, it may leave torn objects under names that a later
 * capture would take as stored. So a capture first notes, durably, the
 * snapshot it is taking, and clears the note once its record is written;
 * the next capture that finds the note of a snapshot without a record
 * sweeps every object no snapshot uses, the torn ones among them, before
 * it trusts any.
 */
export class CaptureNote {
  constructor(
    private readonly dirs: StoreDirs,
    private readonly objects: ObjectStore,
  ) {}

  /** Sweeps what an interrupted capture left; true if there was one. */
  async recover(): Promise<boolean> {
    const noted = await unlessMissing(readFile(this.dirs.captureNote, 'utf8'));
    if (!noted) return false;
    // A torn note names nothing: sweep as well.
    if (isSnapshotId(noted) && (await readRecord(this.dirs, noted))) {
      return false;
    }

    await collectGarbage(this.dirs, this.objects, await listRecords(this.dirs));
    await this.clear();
    return true;
  }

  /** Resolves once the note is on the disk: objects may follow. */
  async begin(snapshotId: string): Promise<void> {
    const existed = await unlessMissing(lstat(this.dirs.captureNote));
    const handle = await open(this.dirs.captureNote, 'w', 0o600);
    try {
      await handle.writeFile(snapshotId);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!existed) await fsyncPath(this.dirs.root);
  }

  /**
   * Not flushed: a note that a crash keeps names a snapshot whose record
   * is on the disk already, which `recover` passes over.
   */
  async clear(): Promise<void> {
    await unlessMissing(truncate(this.dirs.captureNote, 0));
  }
}
