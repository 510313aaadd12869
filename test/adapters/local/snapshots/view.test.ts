import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../../domain/errors.ts';
import {
  sandboxId,
  sh,
  snapshotId,
  specOf,
  textOf,
  useSnapshots,
} from './support.ts';

const APP = '/home/agent/code/app';

describe('LocalSnapshotStore views of a snapshot', () => {
  const given = useSnapshots();
  const id = sandboxId();
  const snapshot = snapshotId();
  const read = async (path: string) =>
    textOf(await given.store.read(id, snapshot, path));
  const names = async (path: string) =>
    (await given.store.list(id, snapshot, path)).map((entry) => entry.name);

  beforeAll(async () => {
    const { runtime, store, dataDir } = given;
    await runtime.start(specOf(id));
    await sh(
      runtime,
      id,
      `mkdir -p ${APP} && cd ${APP} && echo v1 > main.txt && ln -s main.txt link && ln -s /etc/motd motd && ln -s ../../../../../../etc/hostname up && ln -s ${dataDir}/snapshots escape && ln -s loop-b loop-a && ln -s loop-a loop-b && rm /etc/motd && echo mine > /etc/issue`,
    );
    await store.capture(id, snapshot);
    await sh(runtime, id, `echo v2 > ${APP}/main.txt && echo back > /etc/motd`);
  });

  it('lists a folder of the layer as it was', async () => {
    const entries = await given.store.list(id, snapshot, APP);

    expect(entries.map((entry) => entry.name)).toEqual([
      'escape',
      'link',
      'loop-a',
      'loop-b',
      'main.txt',
      'motd',
      'up',
    ]);
    expect(entries[4]).toMatchObject({
      path: `${APP}/main.txt`,
      type: 'file',
      size: 3,
      mode: '0644',
    });
    expect(entries[1]?.type).toBe('symlink');
  });

  it('reads a file as it was, not as it is', async () => {
    expect(await read(`${APP}/main.txt`)).toBe('v1\n');
  });

  it('merges the image under the layer, without what was deleted', async () => {
    const etc = await given.store.list(id, snapshot, '/etc');
    const issue = etc.find((entry) => entry.name === 'issue');

    expect(etc.map((entry) => entry.name)).toContain('passwd');
    expect(etc.map((entry) => entry.name)).not.toContain('motd');
    expect(issue?.size).toBe(5);
    expect(await read('/etc/issue')).toBe('mine\n');
    expect(await read('/etc/passwd')).toBe(
      await readFile('/etc/passwd', 'utf8'),
    );
  });

  it('refuses a deleted file, directly or through a link', async () => {
    await expect(read('/etc/motd')).rejects.toThrow(NotFoundError);
    await expect(read(`${APP}/motd`)).rejects.toThrow(NotFoundError);
  });

  it('follows symlinks inside the view, `..` stopping at its root', async () => {
    expect(await read(`${APP}/link`)).toBe('v1\n');
    expect(await read(`${APP}/up`)).toBe(
      await readFile('/etc/hostname', 'utf8'),
    );
    await expect(read(`${APP}/loop-a`)).rejects.toThrow(ValidationError);
  });

  it('never shows the data directory', async () => {
    const { dataDir } = given;

    expect(await names(dirname(dataDir))).not.toContain(basename(dataDir));
    await expect(names(dataDir)).rejects.toThrow(NotFoundError);
    await expect(names(`${APP}/escape`)).rejects.toThrow(NotFoundError);
  });

  it('shows mount points of the host as empty folders', async () => {
    expect(await names('/proc')).toEqual([]);
  });

  it('refuses a folder as a file and a file as a folder', async () => {
    await expect(read('/etc')).rejects.toThrow(ValidationError);
    await expect(names('/etc/passwd')).rejects.toThrow(ValidationError);
    await expect(names('relative')).rejects.toThrow(ValidationError);
  });
});
