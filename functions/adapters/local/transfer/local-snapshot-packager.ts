import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { ObjectStore } from '../../../../domain/ports/object-store.ts';
import type {
  PackageFile,
  PackedSnapshots,
  Progress,
  SnapshotPackager,
} from '../../../../domain/ports/snapshot-packager.ts';
import type { SnapshotStore } from '../../../../domain/ports/snapshot-store.ts';
import type { Snapshot } from '../../../../domain/snapshots/snapshot.ts';
import { refused, sha256Hex } from '../../../transfer/manifest.ts';
import { sandboxDirs } from '../sandbox-layout.ts';
import {
  objectPath,
  recordPath,
  type StoreDirs,
  storeDirs,
} from '../snapshots/store-layout.ts';
import { decodeTree } from '../snapshots/tree.ts';
import {
  finishedPack,
  markPackFinished,
  PACK_BYTES,
  planPacks,
  writePack,
} from './pack-files.ts';
import { readChecked, unpackPack } from './unpack-files.ts';

const RECORD_KEY = /^snapshots\/(snap-[A-Za-z0-9_-]+)\.json$/;

/**
 * Snapshots of the local engine in a package: every object the carried
 * snapshots reach (file contents and folder trees, named by SHA-256, each
 * once however many snapshots share it), concatenated into pack files
 * with an index each, and each snapshot's record. Import writes them
 * into the new sandbox's own store, checking every object against its
 * name and every file against the manifest, then restores the newest
 * snapshot onto the sandbox's layer, so it comes up as the source was.
 */
export class LocalSnapshotPackager implements SnapshotPackager {
  readonly engine = 'local';

  constructor(
    private readonly dataDir: string,
    private readonly snapshots: Pick<SnapshotStore, 'restore' | 'deleteAll'>,
    /** Bytes per pack file; tests make it small to get several. */
    private readonly packBytes = PACK_BYTES,
  ) {}

  async pack(input: {
    sandboxId: string;
    snapshots: Snapshot[];
    store: ObjectStore;
    onProgress: Progress;
  }): Promise<PackedSnapshots> {
    const dirs = storeDirs(this.dataDir, input.sandboxId);
    const records = await Promise.all(
      input.snapshots.map((s) => recordOf(dirs, input.sandboxId, s.id)),
    );
    const objects = await reachable(
      dirs,
      records.map((r) => r.rootHash),
    );
    const bytesTotal = [...objects.values()].reduce((a, b) => a + b, 0);

    const files: PackageFile[] = [];
    let bytesDone = 0;
    const progress = (bytes: number) => {
      bytesDone += bytes;
      input.onProgress(bytesDone, bytesTotal);
    };
    for (const plan of planPacks(objects, this.packBytes)) {
      // A run cut off by a crash left whole packs: they are not sent again.
      const finished = await finishedPack(input.store, plan);
      if (finished) {
        progress(plan.bytes);
        files.push(...finished);
        continue;
      }
      const written = await writePack(
        input.store,
        plan,
        (hash) => objectPath(dirs.objects, hash),
        progress,
      );
      await markPackFinished(input.store, plan, written);
      files.push(...written);
    }
    for (const record of records) {
      const key = `snapshots/${record.id}.json`;
      await input.store.put(key, record.bytes, { durable: false });
      files.push({
        key,
        bytes: record.bytes.length,
        sha256: sha256Hex(record.bytes),
      });
    }
    // One flush for all of it, before the manifest names any of it.
    await input.store.flush();
    return { engine: 'local', files, snapshots: input.snapshots, bytesTotal };
  }

  async unpack(input: {
    sandboxId: string;
    packed: PackedSnapshots;
    store: ObjectStore;
    onProgress: Progress;
  }): Promise<Snapshot[]> {
    const { packed, store, sandboxId } = input;
    if (packed.engine !== 'local') {
      throw refused(
        `the package holds ${packed.engine} snapshots: import it into a ` +
          'platform on AWS',
      );
    }
    const dirs = storeDirs(this.dataDir, sandboxId);
    await this.discard(sandboxId);
    await mkdir(dirs.tmp, { recursive: true });

    let bytesDone = 0;
    for (const { pack, index } of packsOf(packed.files)) {
      await unpackPack({
        store,
        pack,
        index,
        tmp: dirs.tmp,
        pathOf: (hash) => objectPath(dirs.objects, hash),
        onBytes: (bytes) => {
          bytesDone += bytes;
          input.onProgress(bytesDone, packed.bytesTotal);
        },
      });
    }
    // Objects reach the disk before any record names them.
    await syncFileSystem(dirs.root);
    await this.unpackRecords(store, packed, dirs);
    await syncFileSystem(dirs.root);

    const newest = packed.snapshots.at(-1);
    if (newest) {
      await mkdir(sandboxDirs(this.dataDir, sandboxId).upper, {
        recursive: true,
      });
      await this.snapshots.restore(sandboxId, newest.id);
    }
    return packed.snapshots;
  }

  async discard(sandboxId: string): Promise<void> {
    await this.snapshots.deleteAll(sandboxId);
    for (const root of [
      storeDirs(this.dataDir, sandboxId).root,
      sandboxDirs(this.dataDir, sandboxId).root,
    ]) {
      await rm(root, { recursive: true, force: true });
    }
  }

  private async unpackRecords(
    store: ObjectStore,
    packed: PackedSnapshots,
    dirs: StoreDirs,
  ): Promise<void> {
    await mkdir(dirs.records, { recursive: true });
    for (const snapshot of packed.snapshots) {
      const file = packed.files.find(
        (f) => RECORD_KEY.exec(f.key)?.[1] === snapshot.id,
      );
      if (!file) {
        throw refused(`the package has no record of snapshot ${snapshot.id}`);
      }
      const content = await readChecked(store, file);
      await writeFile(recordPath(dirs.records, snapshot.id), content, {
        mode: 0o600,
      });
    }
  }
}

/** The manifest's pack files, each with its index. */
function packsOf(files: readonly PackageFile[]) {
  const packs = files.filter((f) => f.key.endsWith('.bin'));
  return packs.map((pack) => {
    const indexKey = pack.key.replace(/\.bin$/, '.idx');
    const index = files.find((f) => f.key === indexKey);
    if (!index) throw refused(`${pack.key} has no index in the manifest`);
    return { pack, index };
  });
}

async function recordOf(dirs: StoreDirs, sandboxId: string, id: string) {
  const bytes = await readFile(recordPath(dirs.records, id)).catch(() => {
    throw new Error(`snapshot ${id} of ${sandboxId} is not in the store`);
  });
  const record = JSON.parse(bytes.toString('utf8')) as {
    root: { hash?: string };
  };
  return { id, bytes, rootHash: record.root.hash };
}

/** Every object the roots reach, with its stored size. */
async function reachable(
  dirs: StoreDirs,
  roots: (string | undefined)[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const trees = roots.filter((hash): hash is string => !!hash);

  while (trees.length > 0) {
    const hash = trees.pop() as string;
    if (found.has(hash)) continue;
    const bytes = await readFile(objectPath(dirs.objects, hash));
    found.set(hash, bytes.length);
    for (const entry of decodeTree(bytes)) {
      if (!entry.hash) continue;
      if (entry.type === 'dir') trees.push(entry.hash);
      else if (!found.has(entry.hash)) {
        const { size } = await stat(objectPath(dirs.objects, entry.hash));
        found.set(entry.hash, size);
      }
    }
  }
  return found;
}

/** syncfs(2) of the file system holding `path` (coreutils `sync -f`). */
function syncFileSystem(path: string): Promise<void> {
  return new Promise((done, fail) => {
    execFile('sync', ['-f', path], (error) => (error ? fail(error) : done()));
  });
}
