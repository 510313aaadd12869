import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  objectFiles,
  sandboxId,
  sh,
  snapshotId,
  specOf,
  useSnapshots,
} from './support.ts';

const DIR = '/home/agent/data/many';
const FILES = 100;
const CHANGED_BYTES = 300_000;

// Trees of the changed file's folders (/, home, agent, data, many) are
// rewritten too: each well under this.
const TREE_BYTES = 16_384;

describe('LocalSnapshotStore incremental captures', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const first = snapshotId();

  beforeAll(async () => {
    await given.runtime.start(specOf(id));
    await sh(
      given.runtime,
      id,
      `mkdir -p ${DIR} && for i in $(seq ${FILES}); do head -c 100000 /dev/urandom > ${DIR}/f$i; done`,
    );
    await given.store.capture(id, first);
  });

  it('stores only the changed file of many, and its folders', async () => {
    const { runtime, store, dataDir } = given;
    const stored = await objectFiles(dataDir, id);
    const content = await sh(
      runtime,
      id,
      `head -c ${CHANGED_BYTES} /dev/urandom > ${DIR}/f7 && base64 -w0 ${DIR}/f7`,
    );
    const hash = createHash('sha256')
      .update(Buffer.from(content, 'base64'))
      .digest('hex');

    const stats = await store.capture(id, snapshotId());

    const added = (await objectFiles(dataDir, id)).filter(
      (file) => !stored.includes(file),
    );
    expect(added).toContain(`${hash.slice(0, 2)}/${hash.slice(2)}`);
    expect(added).toHaveLength(1 + 5);
    expect(stats.changedBytes).toBeGreaterThanOrEqual(CHANGED_BYTES);
    expect(stats.changedBytes).toBeLessThan(CHANGED_BYTES + 5 * TREE_BYTES);
    expect(stats.sizeBytes).toBeGreaterThan(FILES * 100_000);
  });

  it('stores no new object when nothing changed', async () => {
    const { store, dataDir } = given;
    await store.capture(id, snapshotId());
    const stored = await objectFiles(dataDir, id);

    const stats = await store.capture(id, snapshotId());

    expect(await objectFiles(dataDir, id)).toEqual(stored);
    expect(stats.changedBytes).toBe(0);
  });

  it('returns the stats again for an id already captured', async () => {
    const again = await given.store.capture(id, first);

    expect(again.fileCount).toBeGreaterThan(FILES);
    expect(await given.store.completed(id)).toContain(first);
  });

  it('tells unchanged right after a capture, changed after a write', async () => {
    const { runtime, store } = given;
    const latest = snapshotId();
    await store.capture(id, latest);

    const unchanged = await store.changedSince(id, latest);
    await sh(runtime, id, `echo more >> ${DIR}/f1`);
    const changed = await store.changedSince(id, latest);

    expect(unchanged).toBe(false);
    expect(changed).toBe(true);
  });

  it('tells a sandbox with files changed since ever', async () => {
    expect(await given.store.changedSince(id)).toBe(true);
    expect(await given.store.changedSince(sandboxId())).toBe(false);
  });
});
