import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../../domain/errors.ts';
import { NamespaceRuntime } from '../../../functions/adapters/local/index.ts';
import {
  bodyOf,
  execIn,
  sandboxId,
  specOf,
  textOf,
  useRuntime,
} from './support.ts';

describe('NamespaceRuntime files', () => {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));
  const id = sandboxId();
  const files = () => given.runtime.files;

  beforeAll(() => given.runtime.start(specOf(id)));

  it('writes a file, making its folders, and reads it back', async () => {
    const path = '/home/agent/data/new/deeper/hello.txt';

    const written = await files().write(id, path, bodyOf('hello'), 100);
    const read = await textOf(await files().read(id, path));

    expect(written).toMatchObject({
      name: 'hello.txt',
      path,
      type: 'file',
      size: 5,
      mode: '0644',
    });
    expect(new Date(written.modifiedAt).getTime()).not.toBeNaN();
    expect(read).toBe('hello');
  });

  it('streams files larger than a pipe buffer both ways', async () => {
    const content = 'abcdefghij'.repeat(300_000);
    const path = '/home/agent/data/large.txt';

    const written = await files().write(id, path, bodyOf(content), 10_000_000);
    const read = await textOf(await files().read(id, path));

    expect(written.size).toBe(content.length);
    expect(read === content).toBe(true);
  });

  it('lists a folder sorted by name, symlinks as symlinks', async () => {
    await execIn(
      given.runtime,
      id,
      'mkdir -p /home/agent/code/list/b-dir && echo 12 > /home/agent/code/list/c.txt && ln -s c.txt /home/agent/code/list/a-link && chmod 600 /home/agent/code/list/c.txt',
    );

    const listed = await files().list(id, '/home/agent/code/list');

    expect(listed.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'a-link', type: 'symlink' },
      { name: 'b-dir', type: 'directory' },
      { name: 'c.txt', type: 'file' },
    ]);
    expect(listed[2]).toMatchObject({
      path: '/home/agent/code/list/c.txt',
      size: 3,
      mode: '0600',
    });
  });

  it('refuses an upload past the limit and keeps the old content', async () => {
    const path = '/home/agent/data/limited.txt';
    await files().write(id, path, bodyOf('old'), 100);

    const tooBig = files().write(id, path, bodyOf('x'.repeat(101)), 100);

    await expect(tooBig).rejects.toThrow(PayloadTooLargeError);
    expect(await textOf(await files().read(id, path))).toBe('old');
    const names = (await files().list(id, '/home/agent/data')).map(
      (e) => e.name,
    );
    expect(names.filter((name) => name.startsWith('.auteryn-upload'))).toEqual(
      [],
    );
  });

  it('says what is missing and what has the wrong type', async () => {
    await expect(files().stat(id, '/home/agent/none')).rejects.toThrow(
      NotFoundError,
    );
    await expect(files().read(id, '/home/agent/none')).rejects.toThrow(
      NotFoundError,
    );
    await expect(files().read(id, '/home/agent')).rejects.toThrow(
      ValidationError,
    );
    await expect(files().list(id, '/etc/hostname')).rejects.toThrow(
      ValidationError,
    );
    await expect(files().stat(id, 'relative/path')).rejects.toThrow(
      ValidationError,
    );
    await expect(
      files().write(id, '/home/agent', bodyOf('x'), 10),
    ).rejects.toThrow(ValidationError);
  });

  it('removes files and folders, but never the root', async () => {
    await files().write(id, '/home/agent/output/gone/file', bodyOf('x'), 10);

    await files().remove(id, '/home/agent/output/gone');

    await expect(files().stat(id, '/home/agent/output/gone')).rejects.toThrow(
      NotFoundError,
    );
    await expect(files().remove(id, '/home/agent/output/gone')).rejects.toThrow(
      NotFoundError,
    );
    await expect(files().remove(id, '/')).rejects.toThrow(ValidationError);
  });

  it('resolves .. inside the sandbox, never reaching the data directory', async () => {
    await writeFile(join(given.dataDir, 'secret.txt'), 'platform only');
    const climbing = `/home/agent/../../../..${given.dataDir}/secret.txt`;

    await expect(files().read(id, climbing)).rejects.toThrow(NotFoundError);
  });

  it('follows symlinks inside the sandbox root, never the host', async () => {
    const hostFile = join('/tmp', `auteryn-probe-${id}`);
    await writeFile(hostFile, 'host content');
    const other = sandboxId();
    await given.runtime.start(specOf(other));
    await execIn(
      given.runtime,
      other,
      `echo sandbox content > ${hostFile} && ln -s ${hostFile} /home/agent/data/to-tmp && ln -s ${given.dataDir}/secret.txt /home/agent/data/to-secret`,
    );
    await writeFile(join(given.dataDir, 'secret.txt'), 'platform only');

    try {
      const throughLink = await textOf(
        await files().read(other, '/home/agent/data/to-tmp'),
      );
      const toSecret = files().read(other, '/home/agent/data/to-secret');

      expect(throughLink).toBe('sandbox content\n');
      await expect(toSecret).rejects.toThrow(NotFoundError);
    } finally {
      await rm(hostFile);
    }
  });

  it('describes a symlink itself on stat', async () => {
    await execIn(given.runtime, id, 'ln -sf /etc /home/agent/data/etc-link');

    const entry = await files().stat(id, '/home/agent/data/etc-link');

    expect(entry.type).toBe('symlink');
  });
});
