import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import type { ExecRequest } from '../../domain/ports/sandbox-runtime.ts';
import { ended, raw, useAgent } from './support.ts';

const run = (command: string, extra: Partial<ExecRequest> = {}) => ({
  command,
  cwd: '/home/agent',
  env: {},
  timeoutSeconds: 30,
  ...extra,
});

describe('agent exec', () => {
  const given = useAgent();
  const exec = (command: string, extra?: Partial<ExecRequest>) =>
    given.agent.client.exec(run(command, extra));

  it('answers with the exit code and both streams', async () => {
    const result = await exec('echo out; echo err >&2; exit 7');

    expect(result).toMatchObject({
      exitCode: 7,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      stdoutTruncated: false,
      stderrTruncated: false,
    });
  });

  it('runs in the cwd inside the root with the env added', async () => {
    await exec('mkdir -p code/app');

    const result = await exec('pwd; echo "$GREETING $AUTERYN_SANDBOX_ID"', {
      cwd: '/home/agent/code/app',
      env: { GREETING: 'hello' },
    });

    expect(result.stdout).toBe(
      `${join(given.root, 'home/agent/code/app')}\nhello sbx-agent-test\n`,
    );
  });

  it('starts from a clean environment', async () => {
    const result = await exec('echo "[$AUTERYN_AGENT_TOKEN]"');

    expect(result.stdout).toBe('[]\n');
  });

  it('cuts each stream at 1 MiB and says so', async () => {
    const result = await exec('head -c 3000000 /dev/zero | tr "\\0" x');

    expect(result.stdout.length).toBe(1024 * 1024);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stderrTruncated).toBe(false);
  });

  it('kills the whole process group on timeout with exit 137', async () => {
    const result = await exec('sleep 300 & echo $! > bg.pid; wait', {
      timeoutSeconds: 1,
    });
    const pid = Number(
      await readFile(join(given.root, 'home/agent/bg.pid'), 'utf8'),
    );

    expect(result).toMatchObject({ exitCode: 137, timedOut: true });
    expect(await ended(pid)).toBe(true);
  });

  it('refuses a cwd that does not exist with a validation error', async () => {
    const missing = exec('true', { cwd: '/no/such/folder' });

    await expect(missing).rejects.toBeInstanceOf(ValidationError);
    await expect(missing).rejects.toThrow(/cwd \/no\/such\/folder/);
  });

  it('answers 400 naming the field for a bad request', async () => {
    const response = await raw(given.agent, '/v1/exec', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'true', timeoutSeconds: 0 }),
    });
    const problem = (await response.json()) as {
      code: string;
      fields: { field: string }[];
    };

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(
      'application/problem+json',
    );
    expect(problem.code).toBe('validation');
    expect(problem.fields.map((f) => f.field)).toEqual(['timeoutSeconds']);
  });

  it('refuses what exec(2) cannot take as bad input', async () => {
    const tooLong = exec(`echo ${'x'.repeat(200 * 1024)}`);
    await expect(tooLong).rejects.toBeInstanceOf(ValidationError);
    await expect(tooLong).rejects.toThrow(/put longer scripts in a file/);

    // Started only now: left pending, it could reject unhandled.
    await expect(exec('echo a\0b')).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await raw(given.agent, '/v1/exec', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe(
      'validation',
    );
  });

  it('answers 404 as a problem for an unknown route', async () => {
    const response = await raw(given.agent, '/v1/nothing-here');

    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe(
      'not_found',
    );
  });
});
