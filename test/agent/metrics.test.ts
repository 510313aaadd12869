import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../functions/adapters/aws/agent-client.ts';
import { type AgentProcess, startAgentProcess, useAgent } from './support.ts';

// bash's `times`: the shell's own user and system time on its first line.
const BUSY = 'for ((i = 0; i < 400000; i++)); do :; done; times';

/** CPU seconds a `times` report gives the shell itself. */
function shellSeconds(times: string): number {
  const [user = '', system = ''] = times.split('\n')[0]?.split(' ') ?? [];
  const seconds = (text: string) => {
    const [, minutes = '0', rest = '0'] = /^(\d+)m([\d.]+)s$/.exec(text) ?? [];
    return Number(minutes) * 60 + Number(rest);
  };
  return seconds(user) + seconds(system);
}

const exec = (client: AgentClient, command: string) =>
  client.exec({ command, cwd: '/home/agent', env: {}, timeoutSeconds: 60 });

// /proc/<pid>/stat counts in ticks of 10 ms; cgroups in micro- or
// nanoseconds. Allow a tick of rounding on each of the four fields.
const TICK_ROUNDING = 0.04;

describe('agent metrics', () => {
  const given = useAgent();

  it('reports every reading with its source', async () => {
    const metrics = await given.agent.client.metrics();

    expect(metrics).toMatchObject({
      sandboxId: 'sbx-agent-test',
      cpuSource: expect.stringMatching(/^cgroup-v[12]$/),
      memorySource: expect.stringMatching(/^cgroup-v[12]$/),
      lastExecAt: null,
      activeExecs: 0,
    });
    expect(metrics.memoryBytes).toBeGreaterThan(0);
    expect(metrics.memoryLimitBytes).toBeGreaterThanOrEqual(
      metrics.memoryBytes,
    );
    expect(metrics.diskBytes).toBeGreaterThan(0);
    expect(metrics.diskLimitBytes).toBeGreaterThan(metrics.diskBytes);
    expect(metrics.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('counts the CPU time of a busy exec', async () => {
    const before = await given.agent.client.metrics();

    const busy = await exec(given.agent.client, BUSY);
    const after = await given.agent.client.metrics();

    const used = shellSeconds(busy.stdout);
    expect(used).toBeGreaterThan(0);
    expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThanOrEqual(
      used - TICK_ROUNDING,
    );
    expect(after.lastExecAt).not.toBeNull();
  });

  it('counts bytes written to the root device after a sync', async () => {
    const before = await given.agent.client.metrics();

    await exec(
      given.agent.client,
      'head -c 4194304 /dev/urandom > data/written.bin && sync data/written.bin',
    );
    const after = await given.agent.client.metrics();

    // Where the temp dir has no block device the documented fallback
    // holds instead: null, so the platform treats the sandbox as changed.
    if (before.bytesWrittenDevice === null) {
      expect(after.bytesWritten).toBeNull();
      return;
    }
    expect(after.bytesWrittenDevice).toBe(before.bytesWrittenDevice);
    expect(after.bytesWritten ?? 0).toBeGreaterThanOrEqual(
      (before.bytesWritten ?? 0) + 4 * 1024 * 1024,
    );
  });
});

describe('agent metrics without a readable cgroup or block device', () => {
  let root: string;
  let agent: AgentProcess;

  beforeAll(async () => {
    // tmpfs has no block device; a cgroup root that is not there leaves
    // only the process's own counters.
    root = await mkdtemp(join('/dev/shm', 'auteryn-agent-'));
    agent = await startAgentProcess(root, {
      env: { AUTERYN_CGROUP_ROOT: join(root, 'no-cgroups') },
    });
  });
  afterAll(async () => {
    await agent?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('falls back to process CPU, host memory and no write count', async () => {
    const before = await agent.client.metrics();

    const busy = await exec(agent.client, BUSY);
    const after = await agent.client.metrics();

    expect(after).toMatchObject({
      cpuSource: 'process',
      memorySource: 'host',
      bytesWritten: null,
      bytesWrittenDevice: null,
    });
    expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThanOrEqual(
      shellSeconds(busy.stdout) - TICK_ROUNDING,
    );
  });
});
