import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import {
  type PlatformProcess,
  startPlatformProcess,
} from '../support/platform-process.ts';

const TOOL = '#!/bin/sh\necho "tool v1 says $1"\n';

describe('what a sandbox holds survives stop, start and a platform restart', () => {
  let dataDir = '';
  let platform: PlatformProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'auteryn-persist-'));
    platform = await startPlatformProcess(dataDir);
  });
  afterAll(async () => {
    await platform?.stop('SIGKILL').catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  const client = () => new AuterynClient({ baseUrl: platform.url });
  let id = '';

  async function expectEverythingThere() {
    const data = await client().readFile(id, '/home/agent/data/notes.txt');
    expect(Buffer.from(data).toString()).toBe('remember me\n');

    const tool = await client().exec(id, { command: 'tool world' });
    expect(tool).toMatchObject({ exitCode: 0, stdout: 'tool v1 says world\n' });

    const etc = await client().exec(id, { command: 'cat /etc/agent.conf' });
    expect(etc.stdout).toBe('mode=fast\n');
  }

  it('writes data, a tool in /usr/local/bin and configuration', async () => {
    id = (await client().createSandbox({ name: 'keeper' })).id;

    await client().exec(id, {
      command: 'echo "remember me" > /home/agent/data/notes.txt',
    });
    await client().writeFile(id, '/usr/local/bin/tool', TOOL);
    await client().exec(id, {
      command: 'chmod +x /usr/local/bin/tool; echo mode=fast > /etc/agent.conf',
    });

    await expectEverythingThere();
  });

  it('keeps it all across stop and start', async () => {
    expect((await client().stopSandbox(id)).status).toBe('stopped');
    expect((await client().startSandbox(id)).status).toBe('running');
    await expectEverythingThere();
  });

  it('keeps it all across restart', async () => {
    await client().restartSandbox(id);
    await expectEverythingThere();
  });

  it('stops cleanly on Ctrl-C and finds everything after a new start', async () => {
    const before = await client().events(id);

    expect(await platform.stop('SIGINT')).toBe(0);
    expect(platform.output()).toContain('stopped cleanly');
    platform = await startPlatformProcess(dataDir);

    expect(platform.output()).toContain('1 found, 1 running again');
    expect((await client().getSandbox(id)).status).toBe('running');
    expect((await client().events(id)).items).toEqual(before.items);
    await expectEverythingThere();
  });

  it('comes back after a hard kill too', async () => {
    await platform.stop('SIGKILL');
    platform = await startPlatformProcess(dataDir);
    await expectEverythingThere();
  });

  it('prints the URL, the isolation and the data directory', () => {
    const output = platform.output();
    expect(output).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain(`data directory: ${dataDir}`);
    expect(output).toMatch(/isolation: +namespaces/);
  });
});
