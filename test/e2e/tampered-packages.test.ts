import { existsSync } from 'node:fs';
import {
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  startTestPlatform,
  type TestPlatform,
} from '../support/platform.ts';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/**
 * Packages that are not what their export wrote are refused, saying
 * what is wrong, and leave nothing behind: no sandbox, no claimed name,
 * no files under the data directory.
 */
describe('importing a damaged package', () => {
  let source: TestPlatform;
  let target: TestPlatform;
  let scratch = '';
  let pristine = '';

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'auteryn-tamper-'));
    source = await startTestPlatform({ exportStore: join(scratch, 'out') });
    target = await startTestPlatform({ region: 'elsewhere' });

    const { id } = await source.client.createSandbox({ name: 'fragile' });
    await source.client.exec(id, {
      command: 'head -c 200000 /dev/urandom > data/blob && echo hi > data/hi',
    });
    const asked = await source.client.exportSandbox(id, {
      targetRegion: 'elsewhere',
    });
    const done = await source.client.waitForExport(asked.id, WAIT);
    pristine = done.location ?? '';
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A copy of the good package, changed by `damage`. */
  async function damaged(name: string, damage: (dir: string) => Promise<void>) {
    const dir = join(scratch, name);
    await cp(pristine, dir, { recursive: true });
    await damage(dir);
    return dir;
  }

  const importOf = (dir: string) =>
    call(`${target.url}/v1/imports`, 'POST', { source: dir });

  async function expectNothingCreated() {
    expect(await target.client.listSandboxes()).toEqual([]);
    const sandboxes = join(target.dataDir, 'sandboxes');
    expect(existsSync(sandboxes) ? await readdir(sandboxes) : []).toEqual([]);
  }

  /** The package's biggest pack of objects. */
  async function biggestObject(dir: string): Promise<string> {
    const objects = join(dir, 'packs');
    const names = await readdir(objects);
    let biggest = '';
    let size = -1;
    for (const name of names.filter((n) => n.endsWith('.bin'))) {
      const bytes = (await readFile(join(objects, name))).length;
      if (bytes > size) [biggest, size] = [join(objects, name), bytes];
    }
    return biggest;
  }

  it('refuses a truncated manifest at once', async () => {
    const dir = await damaged('truncated', async (d) =>
      truncate(join(d, 'manifest.json'), 200),
    );

    const answer = await importOf(dir);

    expect(answer.status).toBe(400);
    expect(answer.json.detail).toMatch(/manifest is truncated/);
    expect(answer.json.fields).toEqual([
      expect.objectContaining({ field: 'source' }),
    ]);
    await expectNothingCreated();
  });

  it('refuses a manifest changed after it was written', async () => {
    const dir = await damaged('edited', async (d) => {
      const path = join(d, 'manifest.json');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace('"fragile"', '"robust"'));
    });

    const answer = await importOf(dir);

    expect(answer.status).toBe(400);
    expect(answer.json.detail).toMatch(/checksum does not match/);
    await expectNothingCreated();
  });

  it('refuses a package whose manifest was never written', async () => {
    const dir = await damaged('unfinished', async (d) =>
      rm(join(d, 'manifest.json')),
    );

    const answer = await importOf(dir);

    expect(answer.status).toBe(400);
    expect(answer.json.detail).toMatch(/no manifest\.json .* not finished/);
    await expectNothingCreated();
  });

  it('fails an import whose data has one byte changed, creating nothing', async () => {
    const dir = await damaged('corrupt', async (d) => {
      const object = await biggestObject(d);
      const bytes = await readFile(object);
      const middle = bytes.length >> 1;
      bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
      await writeFile(object, bytes);
    });

    const asked = (await importOf(dir)).json as { id: string };
    const done = await target.client.waitForImport(asked.id, WAIT);

    expect(done.status).toBe('failed');
    expect(done.error).toMatch(
      /packs\/pack-\d+\.bin is corrupt: object [0-9a-f]{64} does not hash/,
    );
    await expectNothingCreated();
  });

  it('fails an import with a file missing, creating nothing', async () => {
    const dir = await damaged('missing', async (d) =>
      rm(await biggestObject(d)),
    );

    const asked = (await importOf(dir)).json as { id: string };
    const done = await target.client.waitForImport(asked.id, WAIT);

    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/is missing from the package/);
    await expectNothingCreated();
  });

  it('imports the untouched package after all that', async () => {
    const asked = (await importOf(pristine)).json as { id: string };
    const done = await target.client.waitForImport(asked.id, WAIT);

    expect(done.status).toBe('completed');
    const [sandbox] = await target.client.listSandboxes();
    expect(sandbox?.name).toBe('fragile');
  });
});
