import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../../../domain/ports/object-store.ts';
import type {
  PackageFile,
  PackedSnapshots,
  Progress,
  SnapshotPackager,
} from '../../../domain/ports/snapshot-packager.ts';
import type { SnapshotStore } from '../../../domain/ports/snapshot-store.ts';
import type { Snapshot } from '../../../domain/snapshots/snapshot.ts';
import { refused } from '../../transfer/manifest.ts';
import { sandboxDirs } from './sandbox-layout.ts';
import { readRecord } from './snapshots/snapshot-records.ts';
import {
  objectPath,
  recordPath,
  type StoreDirs,
  storeDirs,
} from './snapshots/store-layout.ts';
import { decodeTree } from './snapshots/tree.ts';

const OBJECTS = 'objects/';
const RECORDS = 'snapshots/';

/**
 * Snapshots of the local engine in a package: every object the carried
 * snapshots reach (file contents and folder trees, named by their
 * SHA-256, each once however many snapshots share it) and each
 * snapshot's record. Import writes them into the new sandbox's own
 * store, checking every byte against its name, then restores the newest
 * snapshot onto the sandbox's layer, so it comes up as the source was.
 */
export class LocalSnapshotPackager implements SnapshotPackager {
  readonly engine = 'local';

  constructor(
    private readonly dataDir: string,
    private readonly snapshots: Pick<SnapshotStore, 'restore' | 'deleteAll'>,
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
    for (const [hash, bytes] of objects) {
      const key = `${OBJECTS}${hash}`;
      const present = await input.store.head(key);
      if (present?.size !== bytes) {
        const body = Readable.toWeb(
          createReadStream(objectPath(dirs.objects, hash)),
        ) as ReadableStream<Uint8Array>;
        const before = bytesDone;
        await input.store.put(key, body, {
          contentLength: bytes,
          onProgress: (done) => input.onProgress(before + done, bytesTotal),
        });
      }
      bytesDone += bytes;
      input.onProgress(bytesDone, bytesTotal);
      files.push({ key, bytes, sha256: hash });
    }

    for (const record of records) {
      const key = `${RECORDS}${record.id}.json`;
      await input.store.put(key, record.bytes);
      files.push({
        key,
        bytes: record.bytes.length,
        sha256: sha(record.bytes),
      });
    }
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
    for (const file of packed.files) {
      const target = this.targetOf(dirs, file);
      await copyChecked(store, file, dirs.tmp, target);
      bytesDone += file.key.startsWith(OBJECTS) ? file.bytes : 0;
      input.onProgress(bytesDone, packed.bytesTotal);
    }
    for (const snapshot of packed.snapshots) {
      if (!(await readRecord(dirs, snapshot.id))) {
        throw refused(`the package has no record of snapshot ${snapshot.id}`);
      }
    }

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
    await rm(storeDirs(this.dataDir, sandboxId).root, {
      recursive: true,
      force: true,
    });
    await rm(sandboxDirs(this.dataDir, sandboxId).root, {
      recursive: true,
      force: true,
    });
  }

  /** Where a package file goes in the store; anything else is refused. */
  private targetOf(dirs: StoreDirs, file: PackageFile): string {
    if (file.key.startsWith(OBJECTS)) {
      const hash = file.key.slice(OBJECTS.length);
      if (hash === file.sha256) return objectPath(dirs.objects, hash);
    }
    const record = /^snapshots\/(snap-[A-Za-z0-9_-]+)\.json$/.exec(file.key);
    if (record?.[1]) return recordPath(dirs.records, record[1]);
    throw refused(
      `the manifest lists a file the format has no place for: ${file.key}`,
    );
  }
}

const sha = (data: Uint8Array) =>
  createHash('sha256').update(data).digest('hex');

async function recordOf(dirs: StoreDirs, sandboxId: string, id: string) {
  const bytes = await readFile(recordPath(dirs.records, id)).catch(() => {
    throw new Error(`snapshot ${id} of ${sandboxId} is not in the store`);
  });
  const record = JSON.parse(bytes.toString('utf8')) as {
    root: { hash?: string };
  };
  return { id, bytes, rootHash: record.root.hash };
}

/** Every object the roots reach, with its size: trees and contents. */
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
        // The stored object's size, whatever the entry says of the file.
        const { size } = await stat(objectPath(dirs.objects, entry.hash));
        found.set(entry.hash, size);
      }
    }
  }
  return found;
}

/**
 * Streams a package file to `target` through a temp file, hashing it on
 * the way; a file missing, of another size or another digest is refused
 * with which, and never lands.
 */
async function copyChecked(
  store: ObjectStore,
  file: PackageFile,
  tmp: string,
  target: string,
): Promise<void> {
  const present = await store.head(file.key);
  if (!present) {
    throw refused(
      `${file.key} is missing from the package (was the export finished?)`,
    );
  }
  if (present.size !== file.bytes) {
    throw refused(
      `${file.key} has ${present.size} bytes where the manifest says ` +
        `${file.bytes}: it was cut short or changed`,
    );
  }

  const temp = join(tmp, `${file.sha256}.${process.pid}.part`);
  const hash = createHash('sha256');
  const out = await open(temp, 'w', 0o600);
  try {
    const body = (await store.get(
      file.key,
    )) as unknown as AsyncIterable<Uint8Array>;
    for await (const chunk of body) {
      hash.update(chunk);
      await out.write(chunk);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  if (hash.digest('hex') !== file.sha256) {
    await rm(temp, { force: true });
    throw refused(
      `${file.key} is corrupt: its content does not hash to the ` +
        "manifest's SHA-256",
    );
  }
  await mkdir(dirname(target), { recursive: true });
  await rename(temp, target);
}
