import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentProcess, ended, startAgentProcess } from './support.ts';

describe('agent shutdown', () => {
  let root: string;
  let agent: AgentProcess;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'auteryn-agent-'));
    agent = await startAgentProcess(root);
  });
  afterEach(async () => {
    await agent.stop('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  const exec = (command: string) =>
    agent.client.exec({
      command,
      cwd: '/home/agent',
      env: {},
      timeoutSeconds: 600,
    });
  const pidIn = async (file: string) =>
    Number(await readFile(join(root, 'home/agent', file), 'utf8'));

  it('exits 0 on SIGTERM and kills what execs left running', async () => {
    await exec(
      '(sleep 600 & echo $! > orphan.pid); sleep 600 & echo $! > bg.pid',
    );
    const background = await pidIn('bg.pid');
    const orphan = await pidIn('orphan.pid');

    const code = await agent.stop('SIGTERM');

    expect(code).toBe(0);
    expect(await ended(background)).toBe(true);
    expect(await ended(orphan)).toBe(true);
    expect(agent.output()).toContain('"message":"agent stopped"');
  });

  it('ends an exec in flight and still exits 0', async () => {
    const running = exec('echo $$ > shell.pid; sleep 600').catch(
      (error: unknown) => error,
    );
    await waitForFile(join(root, 'home/agent/shell.pid'));
    const shell = await pidIn('shell.pid');

    const code = await agent.stop('SIGTERM');

    expect(code).toBe(0);
    expect(await ended(shell)).toBe(true);
    expect(await running).toBeDefined();
  });
});

async function waitForFile(path: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim()) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`${path} never appeared`);
}
