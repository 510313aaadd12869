import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { ManualClock } from '../support/clock.ts';
import { call, uniqueName, usePlatform } from '../support/platform.ts';

const GIB = 1024 ** 3;

describe('metrics and usage over HTTP', () => {
  const clock = new ManualClock(new Date('2026-12-02T23:00:00Z'));
  const platform = usePlatform({}, { clock });
  const client = () => new AuterynClient({ baseUrl: platform.url });
  const api = (path: string) => `${platform.url}/v1${path}`;

  it('reports what a running sandbox uses against its size', async () => {
    const { id } = await client().createSandbox({
      name: uniqueName('metered'),
      size: 'small',
    });
    await client().exec(id, {
      command: 'head -c 3000000 /dev/urandom > /home/agent/data/blob',
    });
    await client().createSnapshot(id);

    const metrics = await client().metrics(id);

    expect(metrics).toMatchObject({
      status: 'running',
      memoryLimitBytes: 2 * GIB,
      diskLimitBytes: 10 * GIB,
      snapshotAgeSeconds: 0,
    });
    expect(metrics.diskBytes).toBeGreaterThanOrEqual(3_000_000);
    expect(metrics.memoryBytes).toBeGreaterThan(0);
    expect(metrics.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(metrics.lastActivityAt).toBe(clock.now().toISOString());
    expect(Date.parse(metrics.idleShutdownAt ?? '')).toBe(
      clock.now().getTime() + 3600_000,
    );
  });

  it('reports a stopped sandbox with its disk and no CPU', async () => {
    const { id } = await client().createSandbox({ name: uniqueName('off') });
    await client().stopSandbox(id);

    const metrics = await client().metrics(id);

    expect(metrics).toMatchObject({
      status: 'stopped',
      cpuPercent: 0,
      memoryBytes: 0,
      idleShutdownAt: null,
    });
    expect(metrics.lastSnapshotAt).not.toBeNull();
  });

  it('counts running seconds per day across midnight, and their cost', async () => {
    const { id } = await client().createSandbox({
      name: uniqueName('billed'),
      size: 'medium',
    });
    clock.advance(2 * 3600_000); // 23:00 -> 01:00 the next day
    await client().stopSandbox(id);

    const usage = await client().usage(id, {
      from: '2026-12-02',
      to: '2026-12-03',
    });

    expect(usage.days.map((d) => [d.date, d.runningSeconds])).toEqual([
      ['2026-12-02', expect.any(Number)],
      ['2026-12-03', 3600],
    ]);
    expect(usage.totals.runningSeconds).toBeGreaterThanOrEqual(7200);
    expect(usage.totals.cost).toBeCloseTo(
      (usage.totals.runningSeconds / 3600) * usage.pricePerHour.medium,
      6,
    );
  });

  it('explains a bad range as a 400 naming the field', async () => {
    const { id } = await client().createSandbox({ name: uniqueName('range') });

    const backwards = await call(
      api(`/sandboxes/${id}/usage?from=2026-12-03&to=2026-12-01`),
      'GET',
    );
    expect(backwards.status).toBe(400);
    expect(backwards.json.fields).toEqual([
      expect.objectContaining({ field: 'query.from' }),
    ]);

    const malformed = await call(api(`/sandboxes/${id}/usage?to=soon`), 'GET');
    expect(malformed.status).toBe(400);
    expect(malformed.json.fields).toEqual([
      expect.objectContaining({ field: 'query.to' }),
    ]);
  });

  it('answers 404 for a sandbox that does not exist', async () => {
    expect((await call(api('/sandboxes/sbx-nope/metrics'), 'GET')).status).toBe(
      404,
    );
    expect((await call(api('/sandboxes/sbx-nope/usage'), 'GET')).status).toBe(
      404,
    );
  });
});
