import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import {
  type PlatformProcess,
  startPlatformProcess,
} from '../support/platform-process.ts';

describe('a platform killed in the middle of a snapshot', () => {
  let dataDir = '';
  let platform: PlatformProcess;
  const client = () => new AuterynClient({ baseUrl: platform.url });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'auteryn-crash-'));
    platform = await startPlatformProcess(dataDir);
  });
  afterAll(async () => {
    await platform?.stop('SIGKILL').catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows no half snapshot after a restart, and restores', async () => {
    const { id } = await client().createSandbox({ name: 'crashy' });
    await client().exec(id, { command: 'echo safe > /home/agent/data/notes' });
    const safe = await client().createSnapshot(id, { name: 'safe' });

    // Enough new data that capturing it takes a while to hash and copy.
    await client().exec(id, {
      command:
        'mkdir -p /home/agent/data/big && cd /home/agent/data/big && ' +
        'for i in $(seq 1 300); do head -c 1048576 /dev/urandom > f$i; done;' +
        ' echo changed > /home/agent/data/notes',
      timeoutSeconds: 120,
    });

    const inFlight = client()
      .createSnapshot(id, { name: 'doomed' })
      .catch(() => undefined);
    await waitForEvent(client(), id, 'SnapshotRequested', 2);
    await platform.stop('SIGKILL');
    await inFlight;

    platform = await startPlatformProcess(dataDir);
    const history = await client().listSnapshots(id);
    expect(history.map((s) => s.status)).not.toContain('pending');
    const doomed = history.find((s) => s.name === 'doomed');
    expect(doomed).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('interrupted'),
    });

    await client().restore(id, { snapshot: safe.id });
    const notes = await client().exec(id, {
      command: 'cat /home/agent/data/notes; ls /home/agent/data',
    });
    expect(notes.stdout).toBe('safe\nnotes\n');
  });
});

/** Polls the event history until the n-th event of a type shows up. */
async function waitForEvent(
  client: AuterynClient,
  sandboxId: string,
  type: string,
  nth: number,
): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { items } = await client.events(sandboxId);
    if (items.filter((event) => event.type === type).length >= nth) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${type} #${nth} in the history of ${sandboxId}`);
}
