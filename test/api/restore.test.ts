import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { call, usePlatform } from '../support/platform.ts';

interface SnapshotJson {
  id: string;
  kind: string;
  createdAt: string;
}

describe('time travel: restore in place', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });
  const api = (path: string) => `${platform.url}/v1${path}`;
  const run = async (id: string, command: string) => {
    const result = await client().exec(id, { command });
    expect(result.stderr).toBe('');
    return result.stdout;
  };
  const snapshot = async (id: string, name?: string) =>
    (
      await call(
        api(`/sandboxes/${id}/snapshots`),
        'POST',
        name ? { name } : {},
      )
    ).json as unknown as SnapshotJson;
  const restore = (id: string, body: unknown) =>
    call(api(`/sandboxes/${id}/restore`), 'POST', body);
  const notes = (id: string) => run(id, 'cat /home/agent/data/notes');

  it('restores by id, by name, by time and refuses a time before the first', async () => {
    const { id } = await client().createSandbox({ name: 'traveller' });
    await run(id, 'echo v1 > /home/agent/data/notes');
    const one = await snapshot(id, 'first');
    await run(id, 'echo v2 > /home/agent/data/notes');
    const two = await snapshot(id);
    await run(id, 'echo v3 > /home/agent/data/notes');

    const byName = await restore(id, { snapshot: 'first' });
    expect(byName.status).toBe(202);
    expect(byName.json.status).toBe('running');
    expect(await notes(id)).toBe('v1\n');

    expect((await restore(id, { snapshot: two.id })).status).toBe(202);
    expect(await notes(id)).toBe('v2\n');

    const between = new Date(
      (Date.parse(one.createdAt) + Date.parse(two.createdAt)) / 2,
    ).toISOString();
    await restore(id, { snapshot: between });
    expect(await notes(id)).toBe('v1\n');

    await restore(id, { snapshot: two.createdAt });
    expect(await notes(id)).toBe('v2\n');

    const before = new Date(Date.parse(one.createdAt) - 1000).toISOString();
    const refused = await restore(id, { snapshot: before });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toContain(one.createdAt);
  });

  it('makes every restore undoable with a pre-restore snapshot', async () => {
    const { id } = await client().createSandbox({ name: 'undoable' });
    await run(id, 'echo old > /home/agent/data/notes');
    const old = await snapshot(id);
    await run(id, 'echo precious > /home/agent/data/notes');

    await restore(id, { snapshot: old.id });
    expect(await notes(id)).toBe('old\n');

    const { json } = await call(
      api(`/sandboxes/${id}/snapshots?kind=pre-restore`),
      'GET',
    );
    const [undo] = json.items as SnapshotJson[];
    if (!undo) throw new Error('no pre-restore snapshot');
    await restore(id, { snapshot: undo.id });
    expect(await notes(id)).toBe('precious\n');
  });

  it('restores only the paths asked for', async () => {
    const { id } = await client().createSandbox({ name: 'partial' });
    await run(id, 'echo a1 > /home/agent/data/a; echo b1 > /home/agent/code/b');
    const first = await snapshot(id);
    await run(id, 'echo a2 > /home/agent/data/a; echo b2 > /home/agent/code/b');

    await restore(id, { snapshot: first.id, paths: ['/home/agent/data'] });
    expect(await run(id, 'cat /home/agent/data/a /home/agent/code/b')).toBe(
      'a1\nb2\n',
    );
  });

  it('keeps a stopped sandbox stopped', async () => {
    const { id } = await client().createSandbox({ name: 'sleeper' });
    const first = await snapshot(id);
    await client().stopSandbox(id);

    const restored = await restore(id, { snapshot: first.id });
    expect(restored.json.status).toBe('stopped');
  });

  it('brings back deletions, symlinks, permissions and binary files', async () => {
    const { id } = await client().createSandbox({ name: 'faithful' });
    await run(
      id,
      'cd /home/agent/data && head -c 4096 /dev/urandom > blob && ' +
        'chmod 0750 blob && ln -s blob link && rm /etc/motd && ' +
        'sha256sum blob > sum',
    );
    const shot = await snapshot(id);
    await run(
      id,
      'cd /home/agent/data && rm link && chmod 0644 blob && ' +
        'echo x >> blob && echo back > /etc/motd',
    );

    await restore(id, { snapshot: shot.id });
    const look = await run(
      id,
      'cd /home/agent/data && sha256sum -c sum >/dev/null && echo intact; ' +
        'stat -c %a blob; readlink link; test -e /etc/motd || echo deleted',
    );
    expect(look).toBe('intact\n750\nblob\ndeleted\n');
  });

  it('lists, reads and diffs files as they were', async () => {
    const { id } = await client().createSandbox({ name: 'browser' });
    await run(
      id,
      'echo then > /home/agent/data/f; echo gone > /home/agent/data/g',
    );
    const shot = await snapshot(id);
    await run(
      id,
      'echo now > /home/agent/data/f; rm /home/agent/data/g; echo new > /home/agent/data/h',
    );

    const base = api(`/sandboxes/${id}/snapshots/${shot.id}`);
    const listing = await call(`${base}/files?path=/home/agent/data`, 'GET');
    const names = (listing.json.items as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(['f', 'g']);

    const bytes = await fetch(`${base}/files/content?path=/home/agent/data/f`);
    expect(await bytes.text()).toBe('then\n');

    const diff = await call(`${base}/diff?against=live`, 'GET');
    expect(diff.json).toEqual({
      added: ['/home/agent/data/h'],
      removed: ['/home/agent/data/g'],
      changed: ['/home/agent/data/f'],
    });
  });
});
