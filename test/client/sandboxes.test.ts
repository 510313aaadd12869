import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  type AuterynClient,
  WaitTimeoutError,
} from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';

const SETTLE = { timeoutMs: 20_000, intervalMs: 50 };

describe('client: sandboxes', () => {
  let platform: TestPlatform;
  let client: AuterynClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    client = platform.client;
  });
  afterAll(() => platform?.close());

  const createRunning = async (prefix: string) => {
    const created = await client.createSandbox({ name: uniqueName(prefix) });
    return client.waitForStatus(created.id, ['running'], SETTLE);
  };

  it('creates a sandbox with the platform defaults and runs it', async () => {
    const name = uniqueName('defaults');

    const created = await client.createSandbox({ name });
    const running = await client.waitForStatus(created.id, ['running'], SETTLE);

    expect(created.id).toMatch(/^sbx-/);
    expect(running).toMatchObject({
      name,
      size: 'medium',
      autoShutdown: true,
      shutdownAfter: '1h',
      image: 'host',
      status: 'running',
    });
    expect(running.isolation).not.toBeNull();
  });

  it('lists and gets what it created', async () => {
    const sandbox = await createRunning('listed');

    const listed = await client.listSandboxes();
    const fetched = await client.getSandbox(sandbox.id);

    expect(listed.map((item) => item.id)).toContain(sandbox.id);
    expect(fetched).toEqual(sandbox);
  });

  it('stops, starts and restarts a sandbox', async () => {
    const sandbox = await createRunning('cycled');

    await client.stopSandbox(sandbox.id);
    const stopped = await client.waitForStatus(sandbox.id, ['stopped'], SETTLE);
    await client.startSandbox(sandbox.id);
    const started = await client.waitForStatus(sandbox.id, ['running'], SETTLE);
    await client.restartSandbox(sandbox.id);
    const restarted = await client.waitForStatus(
      sandbox.id,
      ['running'],
      SETTLE,
    );

    expect(stopped).toMatchObject({ status: 'stopped', stoppedReason: 'user' });
    expect(started.status).toBe('running');
    expect(restarted.version).toBeGreaterThan(started.version);
  });

  it('updates settings', async () => {
    const sandbox = await createRunning('updated');

    const updated = await client.updateSandbox(sandbox.id, {
      size: 'small',
      autoShutdown: false,
      shutdownAfter: '30m',
    });

    expect(updated).toMatchObject({
      size: 'small',
      autoShutdown: false,
      shutdownAfter: '30m',
    });
  });

  it('deletes a sandbox, listing it only when deleted ones are asked for', async () => {
    const sandbox = await createRunning('deleted');

    await client.deleteSandbox(sandbox.id);
    await client.waitForStatus(sandbox.id, ['deleted'], SETTLE);
    const listed = await client.listSandboxes();
    const all = await client.listSandboxes({ includeDeleted: true });

    expect(listed.map((item) => item.id)).not.toContain(sandbox.id);
    expect(all.map((item) => item.id)).toContain(sandbox.id);
  });

  it('reads the history a page at a time or all at once', async () => {
    const sandbox = await createRunning('history');
    await client.stopSandbox(sandbox.id);
    await client.waitForStatus(sandbox.id, ['stopped'], SETTLE);

    const firstPage = await client.events(sandbox.id, { limit: 2 });
    const everyEvent = [];
    for await (const event of client.allEvents(sandbox.id, { pageSize: 1 })) {
      everyEvent.push(event);
    }
    const onePage = await client.events(sandbox.id);

    expect(firstPage.items).toHaveLength(2);
    expect(firstPage.nextAfter).toBe(2);
    expect(everyEvent).toEqual(onePage.items);
    // A stop may snapshot the sandbox's layer first: not this test's subject.
    const lifecycle = everyEvent.filter(
      (event) => !event.type.startsWith('Snapshot'),
    );
    expect(lifecycle.map((event) => event.type)).toEqual([
      'SandboxCreated',
      'SandboxStarted',
      'SandboxStopRequested',
      'SandboxStopped',
    ]);
  });

  it('gives up waiting for a status that does not come', async () => {
    const sandbox = await createRunning('waited');

    const waiting = client.waitForStatus(sandbox.id, ['deleted'], {
      timeoutMs: 200,
      intervalMs: 50,
    });

    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(/still running/);
  });

  it('reports a missing sandbox as ApiError 404 not_found', async () => {
    const error = await client.getSandbox('sbx-missing').catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('reports a bad size as a validation error naming the field', async () => {
    const error = await client
      .createSandbox({ name: uniqueName('bad'), size: 'huge' as 'small' })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation' });
    expect((error as ApiError).fields).toEqual([
      expect.objectContaining({ field: expect.stringContaining('size') }),
    ]);
    expect((error as ApiError).message).toContain('size');
  });

  it('reports a taken name as a conflict', async () => {
    const sandbox = await createRunning('taken');

    const error = await client
      .createSandbox({ name: sandbox.name })
      .catch((e) => e);

    expect(error).toMatchObject({ status: 409, code: 'conflict' });
    expect((error as ApiError).message).toContain(sandbox.id);
  });
});
