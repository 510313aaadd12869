import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../../../../domain/errors.ts';
import {
  sandboxId,
  sh,
  snapshotId,
  specOf,
  upperOf,
  useSnapshots,
} from './support.ts';

const DATA = '/home/agent/data';

describe('LocalSnapshotStore restore', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const snapshot = snapshotId();
  const upper = () => upperOf(given.dataDir, id);

  beforeAll(async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await sh(
      runtime,
      id,
      `mkdir -p ${DATA}/a ${DATA}/b && echo x1 > ${DATA}/a/x && echo y1 > ${DATA}/b/y`,
    );
    await store.capture(id, snapshot);
  });

  it('refuses a running sandbox', async () => {
    const restoring = given.store.restore(id, snapshot);

    await expect(restoring).rejects.toThrow(IllegalStateError);
  });

  it('restores only the paths asked for', async () => {
    const { runtime, store } = given;
    await sh(
      runtime,
      id,
      `echo x2 > ${DATA}/a/x && echo new > ${DATA}/a/new && echo y2 > ${DATA}/b/y`,
    );
    await runtime.stop(id);

    const stats = await store.restore(id, snapshot, [`${DATA}/a`]);

    const read = (path: string) => readFile(join(upper(), path), 'utf8');
    expect(await read(`${DATA}/a/x`)).toBe('x1\n');
    await expect(stat(join(upper(), DATA, 'a/new'))).rejects.toThrow(/ENOENT/);
    expect(await read(`${DATA}/b/y`)).toBe('y2\n');
    // x rewritten, new removed, and their folder's mtime put back.
    expect(stats).toEqual({ rewritten: 3, bytesWritten: 3 });
  });

  it('removes a path the snapshot does not have, showing the image', async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await sh(runtime, id, 'echo changed > /etc/hostname');
    await runtime.stop(id);

    await store.restore(id, snapshot, ['/etc/hostname']);
    await runtime.start(specOf(id));
    const hostname = await sh(runtime, id, 'cat /etc/hostname');
    await runtime.stop(id);

    await expect(stat(join(upper(), 'etc/hostname'))).rejects.toThrow(/ENOENT/);
    expect(hostname).toBe(await readFile('/etc/hostname', 'utf8'));
  });

  it('rewrites what differs, then nothing when restored again', async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await sh(runtime, id, `echo y3 > ${DATA}/b/y && rm -r ${DATA}/a`);
    await runtime.stop(id);

    const first = await store.restore(id, snapshot);
    const second = await store.restore(id, snapshot);

    expect(first.rewritten).toBeGreaterThanOrEqual(3);
    expect(first.bytesWritten).toBe(6);
    expect(second).toEqual({ rewritten: 0, bytesWritten: 0 });
  });

  it('refuses unknown snapshots, bad ids and relative paths', async () => {
    const { store } = given;

    await expect(store.restore(id, snapshotId())).rejects.toThrow(
      NotFoundError,
    );
    await expect(store.restore(id, 'snap-../x')).rejects.toThrow(
      ValidationError,
    );
    await expect(store.restore('../x', snapshot)).rejects.toThrow(
      ValidationError,
    );
    await expect(store.restore(id, snapshot, ['etc'])).rejects.toThrow(
      ValidationError,
    );
  });
});
