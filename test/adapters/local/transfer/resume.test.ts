import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../../domain/ports/object-store.ts';
import { DirectoryObjectStore } from '../../../../functions/adapters/local/directory-object-store.ts';
import { LocalSnapshotPackager } from '../../../../functions/adapters/local/transfer/local-snapshot-packager.ts';
import { snapshotAt } from '../../../support/snapshots.ts';
import {
  sandboxId,
  snapshotId,
  specOf,
  upperOf,
  useSnapshots,
} from '../snapshots/support.ts';

const MIB = 1024 * 1024;

/**
 * Fault injection: a crash at a given step cannot be had from a real
 * store on cue, so the store refuses the put of the second pack, as a
 * process killed in the middle of it would leave things.
 */
function failingAtSecondPack(store: ObjectStore): ObjectStore {
  let packs = 0;
  return withPut(store, async (key, body, options) => {
    if (key.endsWith('.bin') && ++packs === 2) {
      throw new Error('crashed while writing the second pack (injected)');
    }
    return store.put(key, body, options);
  });
}

/** The store, noting in `sent` the key of every pack put into it. */
function recordingPacks(store: ObjectStore, sent: string[]): ObjectStore {
  return withPut(store, (key, body, options) => {
    if (key.endsWith('.bin')) sent.push(key);
    return store.put(key, body, options);
  });
}

function withPut(store: ObjectStore, put: ObjectStore['put']): ObjectStore {
  return {
    location: store.location,
    put,
    get: (key) => store.get(key),
    head: (key) => store.head(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
    flush: () => store.flush(),
  };
}

describe('an export cut off midway', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const snapshot = snapshotAt('2026-12-01T10:00:00Z', { id: snapshotId() });
  let scratch = '';

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'auteryn-resume-'));
    await given.runtime.start(specOf(id));
    await given.runtime.stop(id);
    const data = join(upperOf(given.dataDir, id), 'home/agent/data');
    for (let file = 0; file < 6; file += 1) {
      await writeFile(join(data, `blob-${file}`), randomBytes(MIB / 2));
    }
    await given.store.capture(id, snapshot.id);
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const packager = () =>
    new LocalSnapshotPackager(given.dataDir, given.store, MIB);
  const pack = (store: ObjectStore) =>
    packager().pack({
      sandboxId: id,
      snapshots: [snapshot],
      store,
      onProgress: () => undefined,
    });

  it('sends again only the packs it had not finished', async () => {
    const store = new DirectoryObjectStore(join(scratch, 'cut-off'));
    const clean = await pack(new DirectoryObjectStore(join(scratch, 'clean')));

    await expect(pack(failingAtSecondPack(store))).rejects.toThrow(/injected/);
    const sentAgain: string[] = [];
    const resumed = await pack(recordingPacks(store, sentAgain));

    const packs = clean.files.filter((f) => f.key.endsWith('.bin'));
    expect(packs.length).toBeGreaterThanOrEqual(3);
    expect(sentAgain).toEqual(packs.slice(1).map((f) => f.key));
    expect(resumed.files).toEqual(clean.files);
    expect(resumed.bytesTotal).toBe(clean.bytesTotal);
  });

  it('writes a pack again whose marker no longer matches it', async () => {
    const store = new DirectoryObjectStore(join(scratch, 'changed'));
    const first = await pack(store);
    const firstPack = first.files[0]?.key ?? '';
    await store.put(firstPack, new Uint8Array(3));

    const sentAgain: string[] = [];
    const again = await pack(recordingPacks(store, sentAgain));

    expect(sentAgain).toEqual([firstPack]);
    expect(again.files).toEqual(first.files);
  });
});
