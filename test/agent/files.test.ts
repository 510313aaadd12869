import { randomBytes } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from '../../domain/errors.ts';
import { bodyOf, bytesOf, raw, useAgent } from './support.ts';

describe('agent files', () => {
  const given = useAgent();
  const client = () => given.agent.client;
  let outside: string;

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'auteryn-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'host secret');
    await symlink(outside, join(given.root, 'home/agent/escape'));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it('round-trips every byte value, making the folders', async () => {
    const content = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
      randomBytes(3 * 1024 * 1024),
    ]);
    const path = '/home/agent/data/deep/er/blob.bin';

    const written = await client().write(path, bodyOf(content), 10_000_000);
    const read = await bytesOf(await client().read(path));

    expect(written).toMatchObject({
      name: 'blob.bin',
      path,
      type: 'file',
      size: content.length,
    });
    expect(read.equals(content)).toBe(true);
  });

  it('stats and lists entries sorted by name', async () => {
    await client().write('/home/agent/code/b.txt', bodyOf('bb'), 100);
    await client().write('/home/agent/code/a.txt', bodyOf('a'), 100);

    const entry = await client().stat('/home/agent/code/b.txt');
    const items = await client().list('/home/agent/code');

    expect(entry).toMatchObject({ type: 'file', size: 2, mode: '0644' });
    expect(items.map((item) => item.name)).toEqual(['a.txt', 'b.txt']);
  });

  it('removes a folder with 204 and then finds it missing', async () => {
    await client().write('/home/agent/output/x/y.txt', bodyOf('y'), 100);

    const response = await raw(
      given.agent,
      '/v1/files?path=/home/agent/output/x',
      {
        method: 'DELETE',
      },
    );

    expect(response.status).toBe(204);
    await expect(client().stat('/home/agent/output/x')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a streamed upload over the cap and leaves nothing', async () => {
    const path = '/home/agent/data/too-big.bin';

    const upload = client().write(path, bodyOf(randomBytes(300_000)), 100_000);

    await expect(upload).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(client().stat(path)).rejects.toBeInstanceOf(NotFoundError);
    expect(await readdir(join(given.root, 'home/agent/data'))).not.toContain(
      expect.stringMatching(/auteryn-upload/),
    );
  });

  it('refuses a declared length over the cap with 413', async () => {
    const response = await raw(
      given.agent,
      '/v1/files/content?path=/home/agent/declared.bin&maxBytes=10',
      { method: 'PUT', body: new Uint8Array(11) },
    );

    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe(
      'payload_too_large',
    );
  });

  it('answers 400 for a cap that is not a number', async () => {
    const response = await raw(
      given.agent,
      '/v1/files/content?path=/home/agent/x&maxBytes=lots',
      { method: 'PUT', body: 'x' },
    );
    const problem = (await response.json()) as { fields: { field: string }[] };

    expect(response.status).toBe(400);
    expect(problem.fields[0]?.field).toBe('query.maxBytes');
  });

  it('keeps .. inside the root', async () => {
    await client().write('/../../../escaped.txt', bodyOf('in'), 100);

    const listed = await client().list('/');

    expect(listed.map((item) => item.name)).toContain('escaped.txt');
    await expect(client().read('/../../etc/passwd')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('never follows a symlink out of the root', async () => {
    const link = await client().stat('/home/agent/escape');

    expect(link.type).toBe('symlink');
    await expect(
      client().read('/home/agent/escape/secret.txt'),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(client().list('/home/agent/escape')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      client().write('/home/agent/escape/planted.txt', bodyOf('x'), 100),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('answers 400 for reading a folder and for a relative path', async () => {
    await expect(client().read('/home/agent')).rejects.toBeInstanceOf(
      ValidationError,
    );

    const response = await raw(given.agent, '/v1/files/stat?path=etc/passwd');
    const problem = (await response.json()) as { fields: { field: string }[] };

    expect(response.status).toBe(400);
    expect(problem.fields[0]?.field).toBe('query.path');
  });

  it('refuses to remove the root', async () => {
    await mkdir(join(given.root, 'keep'), { recursive: true });

    await expect(client().remove('/')).rejects.toBeInstanceOf(ValidationError);
    expect(await readdir(given.root)).toContain('keep');
  });
});
