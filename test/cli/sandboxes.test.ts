import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';
import { runCli } from './run-cli.ts';

describe('auteryn sandboxes', () => {
  let platform: TestPlatform;
  const cli = (...args: string[]) => runCli(platform.url, args);

  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform?.close());

  it('creates a sandbox, shows it, and lists it', async () => {
    const name = uniqueName('cli');

    const created = await cli(
      'sandboxes',
      'create',
      name,
      '--size',
      'small',
      '--no-auto-shutdown',
    );
    const id = /^id:\s+(sbx-\S+)$/m.exec(created.stdout)?.[1] ?? '';
    const shown = await cli('sandboxes', 'show', id);
    const listed = await cli('sandboxes', 'list');

    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(
      new RegExp(`^creating ${name} … running \\(\\d+\\.\\d s\\)\\n$`),
    );
    expect(id).toMatch(/^sbx-[0-9a-f]+$/);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(created.stdout);
    expect(shown.stdout).toMatch(/^name:\s+cli-.+$/m);
    expect(shown.stdout).toMatch(/^status:\s+running$/m);
    expect(shown.stdout).toMatch(/^size:\s+small \(1 cpu, 2 GiB memory/m);
    expect(shown.stdout).toMatch(/^auto-shutdown:\s+off$/m);
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+SIZE\s+STATUS\s+CREATED$/,
    );
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+${name}\\s+small\\s+running\\s+\\d{4}-\\S+Z$`, 'm'),
    );
  });

  it('prints the API JSON with --json, and no progress', async () => {
    const name = uniqueName('json');

    const created = await cli('sandboxes', 'create', name, '--json');
    const sandbox = JSON.parse(created.stdout) as Sandbox;
    const shown = await cli('--json', 'sandboxes', 'show', sandbox.id);
    const listed = await cli('sandboxes', 'list', '--json');

    expect(created.stderr).toBe('');
    expect(sandbox).toMatchObject({ name, status: 'running', size: 'medium' });
    expect(JSON.parse(shown.stdout)).toEqual(sandbox);
    expect(JSON.parse(listed.stdout).items).toContainEqual(sandbox);
  });

  it('stops, starts, restarts and deletes, reporting progress on stderr', async () => {
    const { id } = await platform.client.createSandbox({
      name: uniqueName('cycle'),
    });

    const stopped = await cli('sandboxes', 'stop', id);
    const started = await cli('sandboxes', 'start', id);
    const restarted = await cli('sandboxes', 'restart', id);
    const deleted = await cli('sandboxes', 'delete', id);
    const listed = await cli('sandboxes', 'list', '--json');
    const all = await cli('sandboxes', 'list', '--all', '--json');

    for (const run of [stopped, started, restarted, deleted]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
    }
    expect(stopped.stderr).toMatch(/^stopping sbx-\S+ … stopped \(/);
    expect(started.stderr).toMatch(/^starting sbx-\S+ … running \(/);
    expect(restarted.stderr).toMatch(/^restarting sbx-\S+ … running \(/);
    expect(deleted.stderr).toMatch(/^deleting sbx-\S+ … deleted \(/);
    expect(JSON.parse(listed.stdout).items).not.toContainEqual(
      expect.objectContaining({ id }),
    );
    expect(JSON.parse(all.stdout).items).toContainEqual(
      expect.objectContaining({ id, status: 'deleted' }),
    );
  });

  it('updates settings and shows the result', async () => {
    const { id } = await platform.client.createSandbox({
      name: uniqueName('update'),
    });

    const updated = await cli(
      'sandboxes',
      'update',
      id,
      '--size',
      'large',
      '--shutdown-after',
      '30m',
    );

    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/^size:\s+large \(4 cpu/m);
    expect(updated.stdout).toMatch(
      /^auto-shutdown:\s+after 30m idle \(busy above 5% cpu\)$/m,
    );
  });

  it('explains a bad size with the field problem and exits 1', async () => {
    const run = await cli(
      'sandboxes',
      'create',
      uniqueName('bad'),
      '--size',
      'huge',
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: the request does not match the API: see fields\n {2}\S*size: .+\n$/m,
    );
  });

  it('asks for at least one setting to update, as a usage error', async () => {
    const run = await cli('sandboxes', 'update', 'sbx-any');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('name at least one of --size');
  });

  it('reports a missing sandbox and exits 1', async () => {
    const run = await cli('sandboxes', 'show', 'sbx-missing');

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: no sandbox sbx-missing\n');
  });
});
