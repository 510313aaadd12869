import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { runCli } from './run-cli.ts';

describe('auteryn export and import', () => {
  let store = '';
  let here: TestPlatform;
  let there: TestPlatform;
  let sandboxId = '';
  let location = '';

  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'auteryn-cli-exports-'));
    here = await startTestPlatform({ region: 'home', exportStore: store });
    there = await startTestPlatform({ region: 'away' });
    ({ id: sandboxId } = await here.client.createSandbox({ name: 'carried' }));
    await here.client.exec(sandboxId, {
      command: 'head -c 2000000 /dev/urandom > data/blob',
    });
  });
  afterAll(async () => {
    await here?.close();
    await there?.close();
    await rm(store, { recursive: true, force: true });
  });

  it('exports with progress on stderr and prints where the package is', async () => {
    const run = await runCli(here.url, [
      'export',
      sandboxId,
      '--to-region',
      'away',
    ]);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/exporting sbx-\S+ \[[#-]{24}\] +\d+%/);
    expect(run.stderr).toMatch(/exporting sbx-\S+ … completed\n$/);
    location = /^location:\s+(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(location.startsWith(join(store, 'exp-'))).toBe(true);
  });

  it('imports the package in the other platform, once however often', async () => {
    const first = await runCli(there.url, ['import', location]);
    const again = await runCli(there.url, ['--json', 'import', location]);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^status:\s+completed$/m);
    const imported = /^sandbox:\s+(\S+)$/m.exec(first.stdout)?.[1];
    expect(JSON.parse(again.stdout).sandboxId).toBe(imported);
    expect(again.stderr).toBe('');
    expect(await there.client.listSandboxes()).toHaveLength(1);
  });

  it('says why a source cannot be imported, and exits 1', async () => {
    const run = await runCli(there.url, [
      'import',
      join(store, 'nothing-here'),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: .*no manifest\.json/);
  });

  it('asks for the target region as a usage error', async () => {
    const run = await runCli(here.url, ['export', sandboxId]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--to-region/);
  });
});
