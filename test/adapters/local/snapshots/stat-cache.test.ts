import { createHash, randomBytes } from 'node:crypto';
import {
  link,
  lstat,
  mkdir,
  readFile,
  rename,
  rm,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalSnapshotStore } from '../../../../functions/adapters/local/snapshots/index.ts';
import {
  sandboxId,
  snapshotId,
  specOf,
  storeOf,
  textOf,
  upperOf,
  useSnapshots,
} from './support.ts';

const DATA = '/home/agent/data';
const FILES = 20;

/**
 * Returns once the file system stamps times later than any so far, so
 * that the next capture caches what was written before (it leaves out
 * entries changed within its own clock tick).
 */
async function passFileSystemClock(dir: string): Promise<void> {
  const probe = join(dir, '.clock');
  const stamp = async () => {
    await writeFile(probe, '');
    return (await lstat(probe, { bigint: true })).ctimeNs;
  };
  const now = await stamp();
  while ((await stamp()) <= now);
  await rm(probe);
}

describe('LocalSnapshotStore stat cache', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const data = () => join(upperOf(given.dataDir, id), DATA);

  beforeAll(async () => {
    await given.runtime.start(specOf(id));
    await given.runtime.stop(id);
  });

  it('keeps a hard link whose first path moved with its folder', async () => {
    const { store } = given;
    await mkdir(join(data(), 'a'));
    await mkdir(join(data(), 'z'));
    await writeFile(join(data(), 'a/x'), 'linked');
    await link(join(data(), 'a/x'), join(data(), 'z/y'));
    await passFileSystemClock(data());
    await store.capture(id, snapshotId());
    // Moves a/x without touching its inode, nor folder z.
    await rename(join(data(), 'a'), join(data(), 'q'));
    const moved = snapshotId();
    await store.capture(id, moved);
    await rm(join(data(), 'q'), { recursive: true });
    await rm(join(data(), 'z'), { recursive: true });

    await store.restore(id, moved);

    const [first, second] = await Promise.all([
      lstat(join(data(), 'q/x')),
      lstat(join(data(), 'z/y')),
    ]);
    expect(second.ino).toBe(first.ino);
    expect(second.nlink).toBe(2);
  });

  it('reads nothing again that a restore just wrote', async () => {
    const { store, runtime, dataDir } = given;
    const folder = join(data(), 'restored');
    await mkdir(folder);
    const names = Array.from({ length: FILES }, (_, index) => `f${index}`);
    const write = (text: string) =>
      Promise.all(names.map((name) => writeFile(join(folder, name), text)));
    await write('before');
    await passFileSystemClock(data());
    const before = snapshotId();
    await store.capture(id, before);
    await write('after!');
    await store.capture(id, snapshotId());
    await store.restore(id, before);
    const logged: Record<string, unknown>[] = [];
    const log = (message: string, extra: Record<string, unknown>) => {
      if (message === 'snapshot captured') logged.push(extra);
    };
    const logger = { info: log, warn: log, error: log };
    const watched = new LocalSnapshotStore({ dataDir, runtime, logger });
    const after = snapshotId();

    await watched.capture(id, after);

    const read = await store.read(id, after, `${DATA}/restored/f1`);
    expect(await textOf(read)).toBe('before');
    expect(logged[0]?.reread).toBeLessThan(FILES);
  });

  it('reads again what a damaged cache names, and stores it right', async () => {
    const { store, dataDir } = given;
    const content = randomBytes(1000);
    await writeFile(join(data(), 'cached'), content);
    await passFileSystemClock(data());
    await store.capture(id, snapshotId());
    const cachePath = join(storeOf(dataDir, id), 'stat-cache');
    const cache = await readFile(cachePath);
    const hash = createHash('sha256').update(content).digest();
    const at = cache.indexOf(hash);
    cache[at] = (cache[at] ?? 0) ^ 0xff;
    await writeFile(cachePath, cache);
    const snapshot = snapshotId();

    await store.capture(id, snapshot);

    const read = await store.read(id, snapshot, `${DATA}/cached`);
    const bytes = Buffer.from(await new Response(read).arrayBuffer());
    expect(at).toBeGreaterThan(0);
    expect(bytes.equals(content)).toBe(true);
  });
});
