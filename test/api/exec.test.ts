import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { call, usePlatform } from '../support/platform.ts';

describe('exec over HTTP', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });
  let id = '';
  const sandbox = async () => {
    id ||= (await client().createSandbox({ name: 'runner' })).id;
    return id;
  };

  it('runs bash in /home/agent and returns both streams', async () => {
    const result = await client().exec(await sandbox(), {
      command: 'pwd; echo out; echo err >&2; exit 3',
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: '/home/agent\nout\n',
      stderr: 'err\n',
      timedOut: false,
      stdoutTruncated: false,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('honours cwd and env', async () => {
    const result = await client().exec(await sandbox(), {
      command: 'echo "$PWD $GREETING"',
      cwd: '/tmp',
      env: { GREETING: 'hello' },
    });
    expect(result.stdout).toBe('/tmp hello\n');
  });

  it('made the agent folders on creation', async () => {
    const result = await client().exec(await sandbox(), {
      command: 'ls -d /home/agent/*/',
    });
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '/home/agent/code/',
      '/home/agent/data/',
      '/home/agent/logs/',
      '/home/agent/output/',
    ]);
  });

  it('kills the whole process group on timeout', async () => {
    const result = await client().exec(await sandbox(), {
      command: '(sleep 300; echo survived > /tmp/leak) & sleep 300',
      timeoutSeconds: 1,
    });
    expect(result.timedOut).toBe(true);

    const after = await client().exec(await sandbox(), {
      command: 'ps -eo args | grep -c "^sleep 300" || true',
    });
    expect(after.stdout.trim()).toBe('0');
  });

  it('truncates output beyond the cap and says so', async () => {
    const result = await client().exec(await sandbox(), {
      command: 'head -c 3000000 /dev/zero | tr "\\0" a',
    });
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout.length).toBe(1024 * 1024);
    expect(result.exitCode).toBe(0);
  });

  it('sees only its own processes (PID namespace)', async () => {
    const result = await client().exec(await sandbox(), {
      command: 'ps -e --no-headers | wc -l',
    });
    expect(Number(result.stdout.trim())).toBeLessThan(10);
  });

  it('wakes a stopped sandbox first', async () => {
    const id = await sandbox();
    await client().stopSandbox(id);
    const result = await client().exec(id, { command: 'echo awake' });
    expect(result.stdout).toBe('awake\n');
    expect((await client().getSandbox(id)).status).toBe('running');
  });

  it('refuses a relative cwd and a bad env name', async () => {
    const url = `${platform.url}/v1/sandboxes/${await sandbox()}/exec`;
    const { status, json } = await call(url, 'POST', {
      command: 'true',
      cwd: 'relative',
      env: { 'BAD-NAME': 'x' },
      timeoutSeconds: 0,
    });
    expect(status).toBe(400);
    const fields = (json.fields as { field: string }[]).map((f) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining(['cwd', 'timeoutSeconds', 'env.BAD-NAME']),
    );
  });
});
