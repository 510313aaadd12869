import { readdir, rm } from 'node:fs/promises';
import {
  IllegalStateError,
  ValidationError,
} from '../../../../domain/errors.ts';
import type { Log } from '../../../../domain/ports/log.ts';
import type { FileEntry } from '../../../../domain/ports/sandbox-runtime.ts';
import type {
  RestoreStats,
  SnapshotDiff,
  SnapshotStats,
  SnapshotStore,
} from '../../../../domain/ports/snapshot-store.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import {
  assertSandboxId,
  prepareDataDir,
  silentLog,
} from '../sandbox-layout.ts';
import { captureSnapshot } from './capture.ts';
import { unlessMissing } from './durable-files.ts';
import { scanLive } from './live-scan.ts';
import { LowerLayer } from './lower-layer.ts';
import { restoreUpper } from './restore.ts';
import { listRecords, readRecord, requireRecord } from './snapshot-records.ts';
import { deleteSnapshot } from './snapshot-removal.ts';
import { SnapshotView } from './snapshot-view.ts';
import {
  type PausableRuntime,
  type StoreContext,
  sandboxStore,
} from './store-context.ts';
import {
  assertSnapshotId,
  LIVE,
  normalizeSandboxPath,
  outermostPaths,
} from './store-layout.ts';
import { sameEntry } from './tree.ts';
import { TreeDiff } from './tree-diff.ts';
import { listFolder, readFile } from './view-files.ts';

export interface LocalSnapshotStoreOptions {
  /** Absolute: the data directory the runtime keeps sandboxes in. */
  dataDir: string;
  /** Pauses running sandboxes while they are captured. */
  runtime: PausableRuntime;
  /** Defaults to logging nothing. */
  logger?: Log;
}

/**
 * Snapshots of local sandboxes: their overlay upper dirs kept in a
 * content-addressed store under `<dataDir>/snapshots/<sandboxId>`, git
 * style. Operations on one sandbox run one at a time.
 */
export class LocalSnapshotStore implements SnapshotStore {
  private readonly context: StoreContext;
  private readonly lower: LowerLayer;
  private readonly lock = new KeyedMutex();

  constructor(options: LocalSnapshotStoreOptions) {
    const dataDir = prepareDataDir(options.dataDir);
    const log = options.logger ?? silentLog;
    this.context = { dataDir, runtime: options.runtime, log };
    // The data directory is hidden in every sandbox: in views too.
    this.lower = new LowerLayer([...new Set([dataDir, options.dataDir])]);
  }

  async capture(sandboxId: string, snapshotId: string): Promise<SnapshotStats> {
    assertIds(sandboxId, snapshotId);
    return this.lock.run(sandboxId, () =>
      captureSnapshot(this.context, sandboxId, snapshotId),
    );
  }

  async changedSince(sandboxId: string, snapshotId?: string): Promise<boolean> {
    assertIds(sandboxId, snapshotId);
    const store = sandboxStore(this.context, sandboxId);
    if (snapshotId === undefined) {
      const names = await unlessMissing(readdir(store.upper));
      return (names?.length ?? 0) > 0;
    }

    return this.lock.run(sandboxId, async () => {
      // A snapshot that is gone cannot vouch for anything.
      const record = await readRecord(store.dirs, snapshotId);
      if (!record) return true;
      const live = await scanLive(this.context, sandboxId, store);
      return !sameEntry(live.root, record.root);
    });
  }

  async restore(
    sandboxId: string,
    snapshotId: string,
    paths?: readonly string[],
  ): Promise<RestoreStats> {
    assertIds(sandboxId, snapshotId);
    if (paths?.length === 0) throw new ValidationError('paths is empty');
    const scopes = outermostPaths((paths ?? ['/']).map(normalizeSandboxPath));

    return this.lock.run(sandboxId, async () => {
      if (await this.context.runtime.isRunning(sandboxId)) {
        throw new IllegalStateError(
          `sandbox ${sandboxId} must be stopped to be restored`,
        );
      }
      const store = sandboxStore(this.context, sandboxId);
      const record = await requireRecord(store.dirs, sandboxId, snapshotId);
      const { unsupportedXattrs, ...stats } = await restoreUpper(
        store,
        record,
        scopes,
      );

      const log = { sandboxId, snapshotId };
      if (unsupportedXattrs > 0) {
        this.context.log.warn('xattrs not restored: unsupported', {
          ...log,
          unsupportedXattrs,
        });
      }
      this.context.log.info('snapshot restored', { ...log, ...stats });
      return stats;
    });
  }

  async list(
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<FileEntry[]> {
    const view = await this.view(sandboxId, snapshotId);
    return listFolder(view, normalizeSandboxPath(path));
  }

  async read(
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    // Under the lock, so that the file is open before any collection.
    return this.lock.run(sandboxId, async () => {
      const view = await this.view(sandboxId, snapshotId);
      const { objects } = sandboxStore(this.context, sandboxId);
      return readFile(view, objects, this.lower, normalizeSandboxPath(path));
    });
  }

  async diff(
    sandboxId: string,
    from: string,
    to: string,
  ): Promise<SnapshotDiff> {
    assertIds(sandboxId, from);
    if (to !== LIVE) assertSnapshotId(to);
    const store = sandboxStore(this.context, sandboxId);
    const stored = (hash: string) => store.objects.readTree(hash);

    return this.lock.run(sandboxId, async () => {
      const before = await requireRecord(store.dirs, sandboxId, from);
      const after =
        to === LIVE
          ? await scanLive(this.context, sandboxId, store)
          : {
              root: (await requireRecord(store.dirs, sandboxId, to)).root,
              trees: stored,
            };
      return new TreeDiff(this.lower).run(
        { entry: before.root, imageShows: true, trees: stored },
        { entry: after.root, imageShows: true, trees: after.trees },
      );
    });
  }

  async delete(sandboxId: string, snapshotId: string): Promise<void> {
    assertIds(sandboxId, snapshotId);
    return this.lock.run(sandboxId, () =>
      deleteSnapshot(this.context, sandboxId, snapshotId),
    );
  }

  async deleteAll(sandboxId: string): Promise<void> {
    assertSandboxId(sandboxId);
    return this.lock.run(sandboxId, async () => {
      const { dirs } = sandboxStore(this.context, sandboxId);
      await rm(dirs.root, { recursive: true, force: true });
      this.context.log.info('snapshots deleted', { sandboxId });
    });
  }

  async completed(sandboxId: string): Promise<string[]> {
    assertSandboxId(sandboxId);
    const { dirs } = sandboxStore(this.context, sandboxId);
    return (await listRecords(dirs)).map((record) => record.id);
  }

  private async view(sandboxId: string, snapshotId: string) {
    assertIds(sandboxId, snapshotId);
    const { dirs, objects } = sandboxStore(this.context, sandboxId);
    const record = await requireRecord(dirs, sandboxId, snapshotId);
    return new SnapshotView(objects, this.lower, record.root);
  }
}

function assertIds(sandboxId: string, snapshotId?: string): void {
  assertSandboxId(sandboxId);
  if (snapshotId !== undefined) assertSnapshotId(snapshotId);
}
