import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  getXattr,
  sandboxId,
  setXattr,
  sh,
  snapshotId,
  specOf,
  upperOf,
  useSnapshots,
} from './support.ts';

const DIR = '/home/agent/data/kept';

const SET_UP = `
set -e
mkdir -p ${DIR} && cd ${DIR}
printf 'plain text\\n' > text.txt
head -c 65536 /dev/urandom > binary.bin
printf x > private && chmod 600 private
printf '#!/bin/sh\\n' > tool && chmod 755 tool
cp /bin/true setuid && chmod 4755 setuid
printf o > owned && chown 1234:5678 owned
ln -s /etc/hostname absolute-link
ln -s text.txt relative-link
printf shared > first && ln first second
printf noted > noted
`;

const MESS_UP = `
set -e
cd ${DIR}
printf 'other text\\n' > text.txt
: > binary.bin
chmod 644 private && chmod 600 tool && chmod 755 setuid
chown 0:0 owned
ln -sfn /etc/passwd absolute-link
rm relative-link second && printf other > second
rm noted && printf noted > noted
`;

// Name, permissions, owner, link count and type of every entry.
const DESCRIBE = `cd ${DIR} && stat -c '%n %a %u:%g %h %F' * && sha256sum text.txt binary.bin && readlink absolute-link relative-link`;

describe('LocalSnapshotStore round trip', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const snapshot = snapshotId();
  let before = '';
  let after = '';

  beforeAll(async () => {
    const { runtime, store, dataDir } = given;
    await runtime.start(specOf(id));
    await sh(runtime, id, SET_UP);
    before = await sh(runtime, id, DESCRIBE);
    await runtime.stop(id);
    setXattr(join(upperOf(dataDir, id), DIR, 'noted'), 'user.note', 'hello');
    await store.capture(id, snapshot);

    await runtime.start(specOf(id));
    await sh(runtime, id, MESS_UP);
    await runtime.stop(id);
    await store.restore(id, snapshot);
    await runtime.start(specOf(id));
    after = await sh(runtime, id, DESCRIBE);
  });

  it('brings back contents, modes, owners and symlinks as they were', () => {
    expect(after).toBe(before);
    expect(after).toContain('private 600 0:0');
    expect(after).toContain('tool 755 0:0');
    expect(after).toContain('setuid 4755 0:0');
    expect(after).toContain('owned 644 1234:5678');
    expect(after).toMatch(/\/etc\/hostname\ntext\.txt\n$/);
  });

  it('brings back a hard link pair as one inode', async () => {
    const upper = join(upperOf(given.dataDir, id), DIR);

    const [first, second] = await Promise.all(
      ['first', 'second'].map((name) => lstat(join(upper, name))),
    );

    expect(second?.ino).toBe(first?.ino);
    expect(first?.nlink).toBe(2);
  });

  it('brings back extended attributes', () => {
    const noted = join(upperOf(given.dataDir, id), DIR, 'noted');

    expect(getXattr(noted, 'user.note')).toBe('hello');
  });
});

describe('LocalSnapshotStore deletions from the image', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const withMotd = snapshotId();
  const withoutMotd = snapshotId();
  const motdExists = 'test -e /etc/motd && echo yes || echo no';

  beforeAll(async () => {
    const { runtime, store } = given;
    await runtime.start(specOf(id));
    await store.capture(id, withMotd);
    await sh(runtime, id, 'rm /etc/motd');
    await store.capture(id, withoutMotd);
    await sh(runtime, id, 'echo back > /etc/motd');
    await runtime.stop(id);
  });

  it('keeps a file deleted when restored to after the deletion', async () => {
    const { runtime, store, dataDir } = given;

    await store.restore(id, withoutMotd);
    await runtime.start(specOf(id));
    const exists = await sh(runtime, id, motdExists);
    await runtime.stop(id);

    const whiteout = await lstat(join(upperOf(dataDir, id), 'etc/motd'));
    expect(exists).toBe('no\n');
    expect(whiteout.isCharacterDevice() && whiteout.rdev).toBe(0);
  });

  it('brings the image file back when restored to before it', async () => {
    const { runtime, store } = given;

    await store.restore(id, withMotd);
    await runtime.start(specOf(id));
    const content = await sh(runtime, id, 'cat /etc/motd');
    await runtime.stop(id);

    expect(content).toBe(await readFile('/etc/motd', 'utf8'));
  });
});
