import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxId, sh, snapshotId, specOf, useSnapshots } from './support.ts';

const DATA = '/home/agent/data';

describe('LocalSnapshotStore diff', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const before = snapshotId();
  const after = snapshotId();

  beforeAll(async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await sh(
      runtime,
      id,
      `cd ${DATA} && echo k > keep && echo e > edit && echo g > gone && mkdir folder && echo i > folder/inner`,
    );
    await store.capture(id, before);
    await sh(
      runtime,
      id,
      `cd ${DATA} && echo e2 > edit && rm gone && echo n > new && rm -r folder && rm /etc/motd && echo x > /etc/issue`,
    );
    await store.capture(id, after);
  });

  it('names what was added, removed and changed between snapshots', async () => {
    const diff = await given.store.diff(id, before, after);

    expect(diff).toEqual({
      added: [`${DATA}/new`],
      removed: [
        '/etc/motd',
        `${DATA}/folder`,
        `${DATA}/folder/inner`,
        `${DATA}/gone`,
      ],
      changed: ['/etc/issue', `${DATA}/edit`],
    });
  });

  it('compares a snapshot with the sandbox as it is', async () => {
    await sh(
      given.runtime,
      id,
      `echo l > ${DATA}/live && chmod 600 ${DATA}/keep`,
    );

    const diff = await given.store.diff(id, after, 'live');

    expect(diff).toEqual({
      added: [`${DATA}/live`],
      removed: [],
      changed: [`${DATA}/keep`],
    });
  });

  it('finds nothing between a snapshot and itself', async () => {
    const diff = await given.store.diff(id, after, after);

    expect(diff).toEqual({ added: [], removed: [], changed: [] });
  });
});
