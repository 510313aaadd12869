import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../domain/errors.ts';
import {
  EXEC_OUTPUT_LIMIT_BYTES,
  NamespaceRuntime,
} from '../../../functions/adapters/local/index.ts';
import { execIn, sandboxId, specOf, useRuntime } from './support.ts';

describe('NamespaceRuntime exec', () => {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));
  const id = sandboxId();
  const run = (command: string, request = {}) =>
    execIn(given.runtime, id, command, request);

  beforeAll(() => given.runtime.start(specOf(id)));

  it('returns output, exit code and duration of a command', async () => {
    const result = await run('echo out; echo err >&2; exit 3');

    expect(result).toMatchObject({
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      stdoutTruncated: false,
      stderrTruncated: false,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a command killed by a signal as 128 plus the signal', async () => {
    const result = await run('kill -TERM $$');

    expect(result.exitCode).toBe(143);
  });

  it('runs in the cwd with a clean environment plus the request env', async () => {
    const result = await run(
      'pwd; echo "$HOME $USER $AUTERYN_SANDBOX_ID $GREETING"',
      {
        cwd: '/home/agent/code',
        env: { GREETING: 'hello' },
      },
    );

    expect(result.stdout).toBe(
      `/home/agent/code\n/home/agent root ${id} hello\n`,
    );
  });

  it('hands the env to the command only, never to the host launcher', async () => {
    const result = await run('echo "$PERL5OPT"', {
      env: { PERL5OPT: '-Mno::such::module', LD_PRELOAD: '/no/such.so' },
    });

    expect(result.stdout).toBe('-Mno::such::module\n');
  });

  it('refuses a cwd that does not exist in the sandbox', async () => {
    await expect(run('true', { cwd: '/no/such/dir' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('kills the whole process group on timeout', async () => {
    const result = await run('sleep 100 & sleep 100', { timeoutSeconds: 1 });
    const left = await run('ps -eo args=');

    expect(result).toMatchObject({ timedOut: true, exitCode: 137 });
    expect(left.stdout.split('\n')).not.toContain('sleep 100');
  });

  it('returns when the command ends, even if a background job holds its output', async () => {
    const result = await run('sleep 30 & echo started', { timeoutSeconds: 10 });

    expect(result).toMatchObject({ timedOut: false, exitCode: 0 });
    expect(result.stdout).toBe('started\n');
  });

  it('keeps the first MiB of each stream and says it truncated', async () => {
    const result = await run(
      'head -c 3000000 /dev/zero | tr "\\0" a; head -c 1500000 /dev/zero | tr "\\0" b >&2',
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(EXEC_OUTPUT_LIMIT_BYTES);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stderr.length).toBe(EXEC_OUTPUT_LIMIT_BYTES);
    expect(result.stderrTruncated).toBe(true);
  });

  it('lets the sandbox install into system folders', async () => {
    const result = await run(
      'echo ok > /usr/share/installed && cat /usr/share/installed',
    );

    expect(result.stdout).toBe('ok\n');
  });
});
