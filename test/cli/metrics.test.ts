import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';
import { runCli } from './run-cli.ts';

describe('auteryn metrics and usage', () => {
  let platform: TestPlatform;
  let id = '';
  const cli = (...args: string[]) => runCli(platform.url, args);

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ id } = await platform.client.createSandbox({
      name: uniqueName('metered'),
      size: 'small',
      idleCpuPercent: 12.5,
    }));
  });
  afterAll(() => platform?.close());

  it('shows what a sandbox uses against its size', async () => {
    const shown = await cli('metrics', id);

    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status:\s+running$/m);
    expect(shown.stdout).toMatch(/^memory:\s+[\d.]+ MiB of 2048\.0 MiB$/m);
    expect(shown.stdout).toMatch(/^idle shutdown:\s+at .+ if it stays idle$/m);
  });

  it('prints the API JSON with --json', async () => {
    const shown = await cli('--json', 'metrics', id);

    expect(JSON.parse(shown.stdout)).toMatchObject({
      status: 'running',
      diskLimitBytes: 10 * 1024 ** 3,
    });
  });

  it('sums running time and cost, with the range it covers', async () => {
    const shown = await cli('usage', id, '--from', '2026-01-01');

    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^2026-01-01 to \d{4}-\d{2}-\d{2}$/m);
    expect(shown.stdout).toMatch(/^total\s+[\d.]+ h\s+[\d.]+ USD\s+saved/m);
  });

  it('sets the idle CPU threshold and shows it', async () => {
    const updated = await cli(
      'sandboxes',
      'update',
      id,
      '--idle-cpu-percent',
      '20',
    );

    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/busy above 20% cpu/);
  });

  it('refuses a threshold that is not a number, and a bad date', async () => {
    const notNumber = await cli(
      'sandboxes',
      'update',
      id,
      '--idle-cpu-percent',
      'lots',
    );
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toMatch(/a number/);

    const badDate = await cli('usage', id, '--from', 'yesterday');
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/query\.from/);
  });
});
