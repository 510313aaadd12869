import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecResult } from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';
import { runCli } from './run-cli.ts';

describe('auteryn exec', () => {
  let platform: TestPlatform;
  let id: string;
  const cli = (...args: string[]) => runCli(platform.url, args);

  beforeAll(async () => {
    platform = await startTestPlatform();
    const sandbox = await platform.client.createSandbox({
      name: uniqueName('exec'),
    });
    id = sandbox.id;
    await platform.client.waitForStatus(id, ['running'], { timeoutMs: 20_000 });
  });
  afterAll(() => platform?.close());

  it("passes stdout, stderr and the exit code through as the command's", async () => {
    const run = await cli(
      'exec',
      id,
      '--',
      'printf',
      "'out\\n'",
      ';',
      'printf',
      "'err\\n'",
      '>&2',
      ';',
      'exit',
      '7',
    );

    expect(run).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('exits 0 for a command that succeeds', async () => {
    const run = await cli('exec', id, '--', 'true');

    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('leaves options after -- to the command', async () => {
    const run = await cli('exec', id, '--', 'echo', '--json', '--url');

    expect(run).toMatchObject({ code: 0, stdout: '--json --url\n' });
  });

  it('passes the working folder and environment variables', async () => {
    const run = await cli(
      'exec',
      id,
      '--cwd',
      '/tmp',
      '--env',
      'A=1',
      '--env',
      'B=two=2',
      '--',
      'echo "$PWD $A $B"',
    );

    expect(run).toMatchObject({ code: 0, stdout: '/tmp 1 two=2\n' });
  });

  it('prints the whole result with --json and still exits with its code', async () => {
    const run = await cli('--json', 'exec', id, '--', 'echo hi; exit 5');
    const result = JSON.parse(run.stdout) as ExecResult;

    expect(run.code).toBe(5);
    expect(run.stderr).toBe('');
    expect(result).toMatchObject({
      exitCode: 5,
      stdout: 'hi\n',
      stderr: '',
      timedOut: false,
    });
  });

  it('notes on stderr that a command timed out, and fails', async () => {
    const run = await cli('exec', id, '--timeout', '1', '--', 'sleep 10');

    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^note: the command timed out/m);
  });

  it('refuses a malformed --env as a usage error, exit 2', async () => {
    const run = await cli('exec', id, '--env', 'NOVALUE', '--', 'true');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NAME=value');
  });
});
