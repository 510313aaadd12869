import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { usePlatform } from '../support/platform.ts';

describe('files over HTTP', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });
  let id = '';
  const sandbox = async () => {
    id ||= (await client().createSandbox({ name: 'filer' })).id;
    return id;
  };
  const url = async (suffix: string) =>
    `${platform.url}/v1/sandboxes/${await sandbox()}${suffix}`;

  it('writes, lists, reads and removes a binary file', async () => {
    const bytes = randomBytes(300_000);
    const written = await client().writeFile(
      await sandbox(),
      '/home/agent/data/deep/blob.bin',
      bytes,
    );
    expect(written).toMatchObject({
      name: 'blob.bin',
      path: '/home/agent/data/deep/blob.bin',
      type: 'file',
      size: bytes.length,
    });

    const listing = await client().listFiles(
      await sandbox(),
      '/home/agent/data/deep',
    );
    expect(listing.map((entry) => entry.name)).toEqual(['blob.bin']);
    expect(listing[0]?.mode).toMatch(/^0[0-7]{3}$/);

    const read = await client().readFile(
      await sandbox(),
      '/home/agent/data/deep/blob.bin',
    );
    expect(Buffer.from(read).equals(bytes)).toBe(true);

    await client().removeFile(await sandbox(), '/home/agent/data/deep');
    const after = await fetch(
      await url('/files/content?path=/home/agent/data/deep/blob.bin'),
    );
    expect(after.status).toBe(404);
  });

  it('lists /home/agent by default', async () => {
    const response = await fetch(await url('/files'));
    const { items } = (await response.json()) as { items: { name: string }[] };
    expect(items.map((i) => i.name)).toEqual(
      expect.arrayContaining(['code', 'data', 'logs', 'output']),
    );
  });

  it('keeps .. inside the sandbox', async () => {
    await client().writeFile(await sandbox(), '/etc/inside-only', 'sandbox');
    const read = await client().readFile(
      await sandbox(),
      '/home/agent/../../../../etc/inside-only',
    );
    expect(Buffer.from(read).toString()).toBe('sandbox');
  });

  it('resolves a symlink that points out inside the sandbox', async () => {
    const dataDir = platform.dataDir;
    await client().exec(await sandbox(), {
      command: `ln -s ${dataDir} /home/agent/escape`,
    });
    const response = await fetch(await url('/files?path=/home/agent/escape'));
    const body = (await response.json()) as { items?: unknown[] };
    // The data directory is hidden from every sandbox: the link leads
    // to an empty folder, never to the platform's database.
    expect(body.items ?? []).toEqual([]);
  });

  it('refuses an upload over the cap with 413 and keeps nothing', async () => {
    const response = await fetch(
      await url('/files/content?path=/home/agent/too-big'),
      { method: 'PUT', body: new Uint8Array(5 * 1024 * 1024) },
    );
    expect(response.status).toBe(413);
    const missing = await fetch(
      await url('/files/content?path=/home/agent/too-big'),
    );
    expect(missing.status).toBe(404);
  });

  it('refuses a relative path with 400 naming the field', async () => {
    const response = await fetch(await url('/files/content?path=etc/passwd'));
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { fields: { field: string }[] };
    expect(problem.fields[0]?.field).toBe('query.path');
  });

  it('404 for a missing file, 400 for reading a folder', async () => {
    const missing = await fetch(await url('/files/content?path=/nope/x'));
    expect(missing.status).toBe(404);
    const folder = await fetch(await url('/files/content?path=/home/agent'));
    expect(folder.status).toBe(400);
  });
});
