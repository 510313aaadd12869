import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  objectFiles,
  sandboxId,
  snapshotId,
  specOf,
  storeOf,
  upperOf,
  useSnapshots,
} from './support.ts';

const objectOf = (content: string) => {
  const hash = createHash('sha256').update(content).digest('hex');
  return `${hash.slice(0, 2)}/${hash.slice(2)}`;
};

describe('LocalSnapshotStore delete', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const first = snapshotId();
  const second = snapshotId();
  const folder = () => join(upperOf(given.dataDir, id), 'home/agent/data');

  beforeAll(async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await runtime.stop(id);
    await writeFile(join(folder(), 'shared'), 'in both snapshots');
    await writeFile(join(folder(), 'old'), 'only in the first');
    await store.capture(id, first);
    await writeFile(join(folder(), 'old'), 'only in the second');
    await store.capture(id, second);
  });

  it('collects what no other snapshot uses and keeps what one does', async () => {
    const { store, dataDir } = given;

    await store.delete(id, first);

    const objects = await objectFiles(dataDir, id);
    expect(await store.completed(id)).toEqual([second]);
    expect(objects).not.toContain(objectOf('only in the first'));
    expect(objects).toContain(objectOf('in both snapshots'));
    expect(objects).toContain(objectOf('only in the second'));
    await writeFile(join(folder(), 'shared'), 'changed');
    await store.restore(id, second);
    expect(await readFile(join(folder(), 'shared'), 'utf8')).toBe(
      'in both snapshots',
    );
  });

  it('stores content again that a collection removed', async () => {
    const { store, dataDir } = given;
    await writeFile(join(folder(), 'old'), 'only in the first');

    await store.capture(id, snapshotId());

    expect(await objectFiles(dataDir, id)).toContain(
      objectOf('only in the first'),
    );
  });

  it('deletes a deleted snapshot without complaint', async () => {
    await given.store.delete(id, first);

    expect(await given.store.completed(id)).toHaveLength(2);
  });

  it('removes every object with the last snapshot, and the folder with all', async () => {
    const { store, dataDir } = given;
    for (const snapshot of await store.completed(id)) {
      await store.delete(id, snapshot);
    }
    const objects = await objectFiles(dataDir, id);

    await store.deleteAll(id);

    expect(objects).toEqual([]);
    await expect(stat(storeOf(dataDir, id))).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(dataDir, 'snapshots'))).not.toContain(id);
  });
});
