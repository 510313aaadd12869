import { beforeAll, describe, expect, it } from 'vitest';
import {
  sandboxId,
  sh,
  snapshotId,
  specOf,
  textOf,
  useSnapshots,
} from './support.ts';

// Appends the same counter to two files, first to `a`, then to `b`.
const WRITER =
  '(i=0; while :; do i=$((i+1)); echo $i >> /root/a; echo $i >> /root/b; done) >/dev/null 2>&1 &';

describe('LocalSnapshotStore point in time', () => {
  const given = useSnapshots();
  const id = sandboxId();

  beforeAll(async () => {
    await given.runtime.start(specOf(id));
    await sh(given.runtime, id, WRITER);
    await sh(given.runtime, id, 'while [ ! -s /root/b ]; do sleep 0.01; done');
  });

  it('sees two files written in lockstep at one moment', async () => {
    const { store } = given;
    const counts: Array<[number, number]> = [];

    for (let round = 0; round < 3; round++) {
      const snapshot = snapshotId();
      await store.capture(id, snapshot);
      const lines = async (path: string) =>
        (await textOf(await store.read(id, snapshot, path))).split('\n')
          .length - 1;
      counts.push([await lines('/root/a'), await lines('/root/b')]);
    }

    // Frozen between its two appends, `a` is one line ahead; never more.
    for (const [a, b] of counts) {
      expect(b).toBeGreaterThan(0);
      expect(a - b).toBeGreaterThanOrEqual(0);
      expect(a - b).toBeLessThanOrEqual(1);
    }
  });

  it('lets the sandbox run on after a capture', async () => {
    const { runtime, store } = given;
    await store.capture(id, snapshotId());

    const first = await sh(runtime, id, 'wc -l < /root/b');
    await sh(
      runtime,
      id,
      `while [ $(wc -l < /root/b) -le ${first.trim()} ]; do sleep 0.01; done`,
    );
    const later = await sh(runtime, id, 'wc -l < /root/b');

    expect(Number(later)).toBeGreaterThan(Number(first));
  });
});
