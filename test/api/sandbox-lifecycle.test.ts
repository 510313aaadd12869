import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { call, usePlatform } from '../support/platform.ts';

describe('sandbox lifecycle over HTTP', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });

  it('creates a running sandbox with its settings and isolation', async () => {
    const { status, json } = await call(
      `${platform.url}/v1/sandboxes`,
      'POST',
      { name: 'first', size: 'small', shutdownAfter: '15m' },
    );

    expect(status).toBe(201);
    expect(json).toMatchObject({
      id: expect.stringMatching(/^sbx-/),
      name: 'first',
      size: 'small',
      resources: { cpus: 1, memoryBytes: 2 * 1024 ** 3 },
      status: 'running',
      autoShutdown: true,
      shutdownAfter: '15m',
      isolation: { mode: expect.any(String) },
      version: expect.any(Number),
    });
  });

  it('lists and shows sandboxes', async () => {
    const made = await client().createSandbox({ name: 'listed' });
    const listed = await client().listSandboxes();
    expect(listed.map((s) => s.id)).toContain(made.id);
    expect((await client().getSandbox(made.id)).name).toBe('listed');
  });

  it('stops, starts and restarts with 202 and a settled status', async () => {
    const { id } = await client().createSandbox({ name: 'cycled' });
    const path = `${platform.url}/v1/sandboxes/${id}`;

    const stop = await call(`${path}/stop`, 'POST');
    expect(stop.status).toBe(202);
    expect(stop.json.status).toBe('stopped');
    expect(stop.json.stoppedReason).toBe('user');

    const start = await call(`${path}/start`, 'POST');
    expect(start.status).toBe(202);
    expect(start.json.status).toBe('running');

    const restart = await call(`${path}/restart`, 'POST');
    expect(restart.status).toBe(202);
    expect(restart.json.status).toBe('running');

    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types).toEqual([
      'SandboxCreated',
      'SandboxStarted',
      'SandboxStopRequested',
      // The first stop snapshots the home folders made on creation; the
      // restart's stop finds nothing changed and takes none.
      'SnapshotRequested',
      'SnapshotCompleted',
      'SandboxStopped',
      'SandboxStartRequested',
      'SandboxStarted',
      'SandboxRestartRequested',
      'SandboxStopped',
      'SandboxStartRequested',
      'SandboxStarted',
    ]);
  });

  it('numbers events in order and pages through them', async () => {
    const { id } = await client().createSandbox({ name: 'paged' });
    await client().stopSandbox(id);

    const all = (await client().events(id)).items;
    // Created, started, stop requested, pre-stop snapshot (2), stopped.
    expect(all.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);

    const first = await client().events(id, { limit: 4 });
    expect(first.items.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(first.nextAfter).toBe(4);
    const rest = await client().events(id, { after: 4 });
    expect(rest.items.map((e) => e.version)).toEqual([5, 6]);
    expect(rest.nextAfter).toBeUndefined();
  });

  it('changes settings with PATCH and records only changes', async () => {
    const { id } = await client().createSandbox({ name: 'patched' });
    const { status, json } = await call(
      `${platform.url}/v1/sandboxes/${id}`,
      'PATCH',
      { size: 'large', autoShutdown: false },
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({ size: 'large', autoShutdown: false });

    const empty = await call(`${platform.url}/v1/sandboxes/${id}`, 'PATCH', {});
    expect(empty.status).toBe(400);
  });

  it('deletes a sandbox and every file it had', async () => {
    const { id } = await client().createSandbox({ name: 'gone' });
    await client().exec(id, { command: 'echo data > data/file' });
    expect(existsSync(join(platform.dataDir, 'sandboxes', id))).toBe(true);

    const { status, json } = await call(
      `${platform.url}/v1/sandboxes/${id}`,
      'DELETE',
    );

    expect(status).toBe(202);
    expect(json.status).toBe('deleted');
    expect(existsSync(join(platform.dataDir, 'sandboxes', id))).toBe(false);
    const left = await readdir(join(platform.dataDir, 'sandboxes'));
    expect(left.some((name) => name.includes(id))).toBe(false);
    const listed = await client().listSandboxes();
    expect(listed.map((s) => s.id)).not.toContain(id);
  });

  it('frees the name of a deleted sandbox', async () => {
    const first = await client().createSandbox({ name: 'reused' });
    await client().deleteSandbox(first.id);
    const second = await client().createSandbox({ name: 'reused' });
    expect(second.id).not.toBe(first.id);
  });
});

describe('concurrent and repeated requests', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });

  it('creates one sandbox for many racing creates of a name', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(`${platform.url}/v1/sandboxes`, 'POST', { name: 'racy' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const named = (await client().listSandboxes()).filter(
      (s) => s.name === 'racy',
    );
    expect(named).toHaveLength(1);
  });

  it('starts a stopped sandbox once for many racing starts', async () => {
    const { id } = await client().createSandbox({ name: 'woken' });
    await client().stopSandbox(id);

    const results = await Promise.all(
      Array.from({ length: 6 }, () => client().startSandbox(id)),
    );
    expect(
      results.every((s) => s.status === 'running' || s.status === 'starting'),
    ).toBe(true);

    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types.filter((t) => t === 'SandboxStartRequested')).toHaveLength(1);
    expect((await client().getSandbox(id)).status).toBe('running');
  });

  it('wakes a stopped sandbox once for racing execs', async () => {
    const { id } = await client().createSandbox({ name: 'execd' });
    await client().stopSandbox(id);

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        client().exec(id, { command: `echo ${n} >> /home/agent/log` }),
      ),
    );
    expect(results.every((r) => r.exitCode === 0)).toBe(true);

    const log = await client().exec(id, { command: 'sort /home/agent/log' });
    expect(log.stdout).toBe('0\n1\n2\n3\n4\n');
    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types.filter((t) => t === 'SandboxStartRequested')).toHaveLength(1);
  });

  it('treats a repeated stop as done', async () => {
    const { id } = await client().createSandbox({ name: 'twice' });
    await client().stopSandbox(id);
    const again = await call(`${platform.url}/v1/sandboxes/${id}/stop`, 'POST');
    expect(again.status).toBe(202);
    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types.filter((t) => t === 'SandboxStopRequested')).toHaveLength(1);
  });
});
