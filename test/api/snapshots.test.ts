import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { ManualClock } from '../support/clock.ts';
import { call, usePlatform } from '../support/platform.ts';

const json = (url: string, method = 'GET', body?: unknown) =>
  call(url, method, body);

/** The test platform's snapshot interval (see support/platform.ts). */
const INTERVAL_MS = 3_600_000;

describe('snapshots over HTTP', () => {
  const clock = new ManualClock();
  const platform = usePlatform({}, { clock });
  const client = () => new AuterynClient({ baseUrl: platform.url });
  const api = (path: string) => `${platform.url}/v1${path}`;
  const run = (id: string, command: string) => client().exec(id, { command });

  const snapshotsOf = async (id: string, query = '') =>
    (await json(api(`/sandboxes/${id}/snapshots${query}`))).json.items as {
      id: string;
      kind: string;
      name: string | null;
      status: string;
      createdAt: string;
    }[];

  it('snapshots a changed running sandbox once a slot, an unchanged one never', async () => {
    const { id } = await client().createSandbox({ name: 'ticking' });

    await platform.snapshotTick();
    const first = await snapshotsOf(id);
    expect(first.map((s) => [s.kind, s.status])).toEqual([
      ['auto', 'completed'],
    ]);

    clock.advance(INTERVAL_MS);
    await platform.snapshotTick();
    expect(await snapshotsOf(id)).toHaveLength(1);

    await run(id, 'echo more > /home/agent/data/more');
    await platform.snapshotTick();
    expect(await snapshotsOf(id)).toHaveLength(2);

    // Changed again within the same slot: it waits for the next one.
    await run(id, 'echo again > /home/agent/data/again');
    await platform.snapshotTick();
    expect(await snapshotsOf(id)).toHaveLength(2);

    clock.advance(INTERVAL_MS);
    await platform.snapshotTick();
    expect((await snapshotsOf(id)).map((s) => s.kind)).toEqual([
      'auto',
      'auto',
      'auto',
    ]);
  });

  it('snapshots before a stop when anything changed, and only then', async () => {
    const { id } = await client().createSandbox({ name: 'stopper' });
    await run(id, 'echo work > /home/agent/data/work');

    await client().stopSandbox(id);
    await client().startSandbox(id);
    await client().stopSandbox(id);

    const kinds = (await snapshotsOf(id)).map((s) => s.kind);
    expect(kinds).toEqual(['pre-stop']);
    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types.slice(2, 6)).toEqual([
      'SandboxStopRequested',
      'SnapshotRequested',
      'SnapshotCompleted',
      'SandboxStopped',
    ]);
  });

  it('takes a named snapshot on demand and refuses a second of that name', async () => {
    const { id } = await client().createSandbox({ name: 'named' });
    const made = await json(api(`/sandboxes/${id}/snapshots`), 'POST', {
      name: 'before-migration',
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      id: expect.stringMatching(/^snap-/),
      sandboxId: id,
      name: 'before-migration',
      kind: 'manual',
      status: 'completed',
      completedAt: expect.any(String),
      fileCount: expect.any(Number),
      sizeBytes: expect.any(Number),
      changedBytes: expect.any(Number),
    });

    const again = await json(api(`/sandboxes/${id}/snapshots`), 'POST', {
      name: 'before-migration',
    });
    expect(again.status).toBe(409);

    const shown = await json(api(`/sandboxes/${id}/snapshots/${made.json.id}`));
    expect(shown.json.name).toBe('before-migration');
    expect(await snapshotsOf(id, '?kind=manual')).toHaveLength(1);
    expect(await snapshotsOf(id, '?kind=auto')).toHaveLength(0);
  });

  it('deletes a snapshot: 204, then 404', async () => {
    const { id } = await client().createSandbox({ name: 'deleter' });
    const made = await json(api(`/sandboxes/${id}/snapshots`), 'POST', {});
    const url = api(`/sandboxes/${id}/snapshots/${made.json.id}`);

    expect((await json(url, 'DELETE')).status).toBe(204);
    expect((await json(url)).status).toBe(404);
  });

  it('validates retention settings and names', async () => {
    const { id } = await client().createSandbox({ name: 'retained' });
    const ok = await json(api(`/sandboxes/${id}`), 'PATCH', {
      snapshotRetention: { retention: '3d' },
    });
    expect(ok.json.snapshotRetention).toEqual({
      retention: '3d',
      maxSnapshots: 100,
    });

    const bad = await json(api(`/sandboxes/${id}`), 'PATCH', {
      snapshotRetention: { maxSnapshots: 0 },
    });
    expect(bad.status).toBe(400);
    expect((bad.json.fields as { field: string }[])[0]?.field).toBe(
      'snapshotRetention.maxSnapshots',
    );

    const badName = await json(api(`/sandboxes/${id}/snapshots`), 'POST', {
      name: 'has spaces',
    });
    expect(badName.status).toBe(400);
  });

  it('keeps snapshots of a deleted sandbox only when asked to', async () => {
    const kept = await client().createSandbox({ name: 'kept' });
    const gone = await client().createSandbox({ name: 'gone' });
    for (const { id } of [kept, gone]) {
      await json(api(`/sandboxes/${id}/snapshots`), 'POST', {});
    }

    await json(api(`/sandboxes/${kept.id}?keepSnapshots=true`), 'DELETE');
    await json(api(`/sandboxes/${gone.id}`), 'DELETE');

    expect(await snapshotsOf(kept.id)).toHaveLength(1);
    expect(await snapshotsOf(gone.id)).toHaveLength(0);
  });
});
