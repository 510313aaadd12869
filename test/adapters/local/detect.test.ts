import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectLocalRuntime,
  namespaceProblem,
} from '../../../functions/adapters/local/index.ts';

describe('detectLocalRuntime', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auteryn-detect-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('picks namespaces exactly when the probe finds no problem', async () => {
    const dir = await dataDir();
    const problem = await namespaceProblem(dir);

    const runtime = await detectLocalRuntime({ dataDir: dir });
    await runtime.close();

    const expected = problem === undefined ? 'namespaces' : 'none';
    expect(runtime.hostIsolation.mode).toBe(expected);
  });

  it('leaves no probe behind in the data directory', async () => {
    const dir = await dataDir();

    await namespaceProblem(dir);

    expect(await readdir(dir)).toEqual(['sandboxes']);
  });
});
