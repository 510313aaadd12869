import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  objectFiles,
  sandboxId,
  snapshotId,
  specOf,
  storeOf,
  textOf,
  upperOf,
  useSnapshots,
} from './support.ts';

const CHILD = join(import.meta.dirname, 'capture-child.ts');
const FILES = 60;
const FILE_BYTES = 2 * 1024 * 1024;

describe('LocalSnapshotStore after a crash', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const folder = () => join(upperOf(given.dataDir, id), 'home/agent/data');
  const tmp = () => join(storeOf(given.dataDir, id), 'tmp');

  beforeAll(async () => {
    await given.runtime.start(specOf(id));
    await given.runtime.stop(id);
    for (let index = 0; index < FILES; index++) {
      await writeFile(join(folder(), `f${index}`), randomBytes(FILE_BYTES));
    }
  });

  it('lists no snapshot for a capture killed midway, and captures and restores after it', async () => {
    const { store } = given;
    const killed = snapshotId();

    const leftovers = await killMidway(given.dataDir, id, killed);
    const completed = await store.completed(id);
    const next = snapshotId();
    await store.capture(id, next);
    const original = await readFile(join(folder(), 'f1'));
    await writeFile(join(folder(), 'f1'), 'overwritten');
    await store.restore(id, next);

    expect(leftovers).toBeGreaterThan(0);
    expect(completed).not.toContain(killed);
    expect(await readdir(tmp())).toEqual([]);
    expect((await readFile(join(folder(), 'f1'))).equals(original)).toBe(true);
    expect(await store.completed(id)).toEqual([next]);
  });

  it('sweeps objects an interrupted capture left, torn ones too, before trusting any', async () => {
    const { store, dataDir } = given;
    const content = randomBytes(4096);
    await writeFile(join(folder(), 'victim'), content);
    // What a power cut can leave: the content's name, but not its bytes.
    const hash = createHash('sha256').update(content).digest('hex');
    const torn = join(storeOf(dataDir, id), 'objects', hash.slice(0, 2));
    await mkdir(torn, { recursive: true });
    await writeFile(join(torn, hash.slice(2)), Buffer.alloc(content.length));
    await writeFile(join(storeOf(dataDir, id), 'capturing'), snapshotId());
    const snapshot = snapshotId();

    await store.capture(id, snapshot);

    const read = await store.read(id, snapshot, '/home/agent/data/victim');
    const bytes = Buffer.from(await new Response(read).arrayBuffer());
    expect(bytes.equals(content)).toBe(true);
  });

  it('ignores and cleans what a crash left in the store', async () => {
    const { store } = given;
    await mkdir(tmp(), { recursive: true });
    await writeFile(join(tmp(), 'object-1234'), 'half an obj');
    await writeFile(join(tmp(), 'snap-half.json-5678'), '{"v":1,');

    const completed = await store.completed(id);
    await store.capture(id, snapshotId());

    expect(completed).toHaveLength(2);
    expect(await readdir(tmp())).toEqual([]);
  });

  it('refuses a corrupt object on restore and on read', async () => {
    const { store, dataDir } = given;
    const snapshot = snapshotId();
    await writeFile(join(folder(), 'precious'), 'precious content');
    const stored = await objectFiles(dataDir, id);
    await store.capture(id, snapshot);
    const [object] = (await objectFiles(dataDir, id)).filter(
      (file) =>
        !stored.includes(file) &&
        readFileSyncText(dataDir, id, file) === 'precious content',
    );
    const objectPath = join(storeOf(dataDir, id), 'objects', object ?? '');
    await writeFile(objectPath, 'precious CONTENT');
    await writeFile(join(folder(), 'precious'), 'changed');

    const restoring = store.restore(id, snapshot);
    await expect(restoring).rejects.toThrow(/corrupt/);
    const path = '/home/agent/data/precious';
    const reading = textOf(await store.read(id, snapshot, path));
    await expect(reading).rejects.toThrow(/corrupt/);

    expect(await readFile(join(folder(), 'precious'), 'utf8')).toBe('changed');
  });
});

function readFileSyncText(dataDir: string, id: string, file: string) {
  return readFileSync(join(storeOf(dataDir, id), 'objects', file), 'utf8');
}

/**
 * Starts a capture in a child process and SIGKILLs it as soon as it has
 * written objects of its own; returns how many it left behind.
 */
async function killMidway(
  dataDir: string,
  id: string,
  snapshot: string,
): Promise<number> {
  const before = await objectFiles(dataDir, id).catch(() => []);
  const written = async () =>
    (await objectFiles(dataDir, id).catch(() => [])).length - before.length;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, dataDir, id, snapshot],
    { stdio: 'ignore' },
  );
  const exited = new Promise((done) => child.once('exit', done));

  for (;;) {
    if ((await written()) > 0 || child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 2));
  }
  child.kill('SIGKILL');
  await exited;
  return written();
}
