import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { ManualClock } from '../support/clock.ts';
import { uniqueName, usePlatform } from '../support/platform.ts';

const SECOND = 1000;

describe('idle shutdown', () => {
  const clock = new ManualClock();
  const platform = usePlatform({}, { clock });
  const client = () => new AuterynClient({ baseUrl: platform.url });
  const run = (id: string, command: string) => client().exec(id, { command });

  const create = (overrides: Record<string, unknown> = {}) =>
    client().createSandbox({
      name: uniqueName('idle'),
      size: 'small',
      shutdownAfter: '1m',
      ...overrides,
    });

  /** Waits (really) until the sandbox used `seconds` more CPU time. */
  async function burn(id: string, seconds: number) {
    const start = (await platform.usage(id)).cpuSeconds;
    for (let i = 0; i < 400; i++) {
      if ((await platform.usage(id)).cpuSeconds - start >= seconds) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`sandbox ${id} did not use ${seconds}s of CPU`);
  }

  it('stops an unused sandbox after shutdownAfter, snapshotting first', async () => {
    const { id } = await create();
    await run(id, 'echo precious > /home/agent/data/kept');

    await platform.idleCheck();
    expect((await client().getSandbox(id)).status).toBe('running');

    clock.advance(61 * SECOND);
    const report = await platform.idleCheck();

    expect(report.stopped).toContain(id);
    const stopped = await client().getSandbox(id);
    expect(stopped).toMatchObject({ status: 'stopped', stoppedReason: 'idle' });
    const types = (await client().events(id)).items.map((e) => e.type);
    expect(types.slice(-4)).toEqual([
      'SandboxStopRequested',
      'SnapshotRequested',
      'SnapshotCompleted',
      'SandboxStopped',
    ]);
    const [snapshot] = await client().listSnapshots(id);
    expect(snapshot?.kind).toBe('pre-stop');

    const woken = await run(id, 'cat /home/agent/data/kept');
    expect(woken.stdout).toBe('precious\n');
    expect((await client().getSandbox(id)).status).toBe('running');
  });

  it('counts an exec as use, restarting the idle clock', async () => {
    const { id } = await create();

    clock.advance(50 * SECOND);
    await run(id, 'true');
    clock.advance(50 * SECOND);
    expect((await platform.idleCheck()).stopped).not.toContain(id);

    clock.advance(15 * SECOND);
    expect((await platform.idleCheck()).stopped).toContain(id);
  });

  it('keeps a silent job that computes running past shutdownAfter', async () => {
    const { id } = await create();
    await run(id, 'nohup sh -c "while :; do :; done" >/dev/null 2>&1 &');
    await platform.idleCheck();

    // Four checks 20 s apart, each after 2 s of real CPU: 10% of a CPU.
    for (let check = 0; check < 4; check++) {
      await burn(id, 2);
      clock.advance(20 * SECOND);
      expect((await platform.idleCheck()).stopped).not.toContain(id);
    }
    expect((await client().getSandbox(id)).status).toBe('running');
    await client().deleteSandbox(id);
  });

  it('stops a sandbox whose only process sleeps', async () => {
    const { id } = await create();
    await run(id, 'nohup sleep 1000 >/dev/null 2>&1 &');
    await platform.idleCheck();

    clock.advance(61 * SECOND);
    expect((await platform.idleCheck()).stopped).toContain(id);
    expect((await client().getSandbox(id)).stoppedReason).toBe('idle');
  });

  it('leaves a sandbox with autoShutdown off running', async () => {
    const { id } = await create({ autoShutdown: false });

    await platform.idleCheck();
    clock.advance(3600 * SECOND);
    await platform.idleCheck();

    expect((await client().getSandbox(id)).status).toBe('running');
  });

  it('does not count reading metrics or state as use', async () => {
    const { id } = await create();
    await platform.idleCheck();

    clock.advance(61 * SECOND);
    await client().getSandbox(id);
    await client().metrics(id);
    expect((await platform.idleCheck()).stopped).toContain(id);
  });
});
