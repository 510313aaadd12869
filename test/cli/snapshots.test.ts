import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Sandbox,
  Snapshot,
  SnapshotDiff,
} from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';
import { runCli } from './run-cli.ts';

const NOTES = '/home/agent/notes.txt';
const SIZE = String.raw`\d+(\.\d)? (B|KB|MB|GB)`;

/** Every byte value, with bytes that are not UTF-8 and a NUL among them. */
const BINARY = Buffer.from(
  Uint8Array.from({ length: 4096 }, (_, index) => (index * 7) % 256),
);

describe('auteryn snapshots and restore', () => {
  let platform: TestPlatform;
  let local: string;
  const cli = (...args: string[]) => runCli(platform.url, args);

  beforeAll(async () => {
    platform = await startTestPlatform();
    local = await mkdtemp(join(tmpdir(), 'auteryn-cli-snapshots-'));
  });
  afterAll(async () => {
    await platform?.close();
    if (local) await rm(local, { recursive: true, force: true });
  });

  const createRunning = async (prefix: string) => {
    const { client } = platform;
    const created = await client.createSandbox({ name: uniqueName(prefix) });
    await client.waitForStatus(created.id, ['running'], { timeoutMs: 20_000 });
    return created.id;
  };
  const notesOf = async (id: string) =>
    new TextDecoder().decode(await platform.client.readFile(id, NOTES));

  it('takes a named snapshot, reporting what it cost, and lists it', async () => {
    const id = await createRunning('create');
    await platform.client.writeFile(id, NOTES, 'v1');

    const created = await cli('snapshots', 'create', id, '--name', 'first');
    const listed = await cli('snapshots', 'list', id);
    const auto = await cli('snapshots', 'list', id, '--kind', 'auto');

    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(
      new RegExp(
        `^snapshotting ${id} … completed \\(\\d+\\.\\d s, ${SIZE} changed\\)\\n$`,
      ),
    );
    expect(created.stdout).toMatch(/^id:\s+snap-\S+$/m);
    expect(created.stdout).toMatch(/^name:\s+first$/m);
    expect(created.stdout).toMatch(/^kind:\s+manual$/m);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+KIND\s+STATUS\s+CREATED\s+SIZE\s+CHANGED$/,
    );
    expect(listed.stdout).toMatch(
      new RegExp(
        `^snap-\\S+\\s+first\\s+manual\\s+completed\\s+\\d{4}-\\S+Z\\s+` +
          `${SIZE}\\s+${SIZE}$`,
        'm',
      ),
    );
    expect(auto).toMatchObject({ code: 0, stdout: 'no snapshots\n' });
  });

  it('restores by name, bringing a file back, and exits 0', async () => {
    const id = await createRunning('restore');
    await platform.client.writeFile(id, NOTES, 'good');
    await cli('snapshots', 'create', id, '--name', 'good');
    await platform.client.writeFile(id, NOTES, 'broken');

    const run = await cli('restore', id, 'good');

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^restoring ${id} to good … running \\(\\d+\\.\\d s\\)\\n$`),
    );
    expect(await notesOf(id)).toBe('good');
  });

  it('restores only the paths given with --path', async () => {
    const id = await createRunning('paths');
    const { client } = platform;
    await client.writeFile(id, '/home/agent/a/file', 'a1');
    await client.writeFile(id, '/home/agent/b/file', 'b1');
    const snapshot = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/a/file', 'a2');
    await client.writeFile(id, '/home/agent/b/file', 'b2');

    const run = await cli(
      'restore',
      id,
      snapshot.id,
      '--path',
      '/home/agent/a',
    );
    const [a, b] = await Promise.all(
      ['/home/agent/a/file', '/home/agent/b/file'].map(async (path) =>
        new TextDecoder().decode(await client.readFile(id, path)),
      ),
    );

    expect(run.code).toBe(0);
    expect([a, b]).toEqual(['a1', 'b2']);
  });

  it('prints a diff as sorted + - ~ lines, and nothing when nothing differs', async () => {
    const id = await createRunning('diff');
    const { client } = platform;
    await client.writeFile(id, '/home/agent/d/changed', 'before');
    await client.writeFile(id, '/home/agent/d/removed', 'here');
    const before = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/d/changed', 'after');
    await client.removeFile(id, '/home/agent/d/removed');
    await client.writeFile(id, '/home/agent/d/added', 'new');
    const after = await client.createSnapshot(id);

    const live = await cli('snapshots', 'diff', id, before.id);
    const against = await cli(
      'snapshots',
      'diff',
      id,
      before.id,
      '--against',
      after.id,
    );
    const unchanged = await cli('snapshots', 'diff', id, after.id);

    expect(live).toMatchObject({
      code: 0,
      stdout:
        '+ /home/agent/d/added\n' +
        '~ /home/agent/d/changed\n' +
        '- /home/agent/d/removed\n',
    });
    expect(against.stdout).toBe(live.stdout);
    expect(unchanged).toMatchObject({ code: 0, stdout: '' });
  });

  it('prints the bytes of a file as they were, or saves them', async () => {
    const id = await createRunning('cat');
    const { client } = platform;
    await client.writeFile(id, '/home/agent/blob.bin', BINARY);
    const snapshot = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/blob.bin', 'overwritten');
    const target = join(local, 'blob.bin');

    const printed = await cli(
      'snapshots',
      'cat',
      id,
      snapshot.id,
      '/home/agent/blob.bin',
    );
    const saved = await cli(
      'snapshots',
      'cat',
      id,
      snapshot.id,
      '/home/agent/blob.bin',
      '--output',
      target,
    );

    expect(printed.code).toBe(0);
    expect(printed.stdoutBytes).toEqual(BINARY);
    expect(saved).toMatchObject({
      code: 0,
      stdout: `saved ${BINARY.length} bytes to ${target}\n`,
    });
    expect(await readFile(target)).toEqual(BINARY);
  });

  it('lists a folder as it was', async () => {
    const id = await createRunning('files');
    const { client } = platform;
    await client.writeFile(id, '/home/agent/then/kept.txt', 'abc');
    await client.writeFile(id, '/home/agent/then/gone.txt', 'x');
    const snapshot = await client.createSnapshot(id);
    await client.removeFile(id, '/home/agent/then/gone.txt');

    const run = await cli(
      'snapshots',
      'files',
      id,
      snapshot.id,
      '/home/agent/then',
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^MODE\s+SIZE\s+MODIFIED\s+NAME$/m);
    expect(run.stdout).toMatch(/^-0\d{3}\s+3\s+\S+Z\s+kept\.txt$/m);
    expect(run.stdout).toMatch(/^-0\d{3}\s+1\s+\S+Z\s+gone\.txt$/m);
  });

  it('prints the API JSON with --json, and no progress', async () => {
    const id = await createRunning('json');
    await platform.client.writeFile(id, NOTES, 'then');

    const created = await cli(
      '--json',
      'snapshots',
      'create',
      id,
      '--name',
      'j',
    );
    const snapshot = JSON.parse(created.stdout) as Snapshot;
    await platform.client.writeFile(id, NOTES, 'now');
    const shown = await cli('--json', 'snapshots', 'show', id, snapshot.id);
    const listed = await cli('--json', 'snapshots', 'list', id);
    const diff = await cli('--json', 'snapshots', 'diff', id, snapshot.id);
    const restored = await cli('--json', 'restore', id, 'j');

    expect(created.stderr).toBe('');
    expect(snapshot).toMatchObject({
      name: 'j',
      kind: 'manual',
      sandboxId: id,
    });
    expect(JSON.parse(shown.stdout)).toEqual(snapshot);
    expect(JSON.parse(listed.stdout).items).toContainEqual(snapshot);
    expect(JSON.parse(diff.stdout) as SnapshotDiff).toEqual({
      added: [],
      removed: [],
      changed: [NOTES],
    });
    expect(restored.stderr).toBe('');
    expect(JSON.parse(restored.stdout) as Sandbox).toMatchObject({
      id,
      status: 'running',
    });
  });

  it('deletes a snapshot, after which showing it fails with exit 1', async () => {
    const id = await createRunning('delete');
    const snapshot = await platform.client.createSnapshot(id);

    const deleted = await cli('snapshots', 'delete', id, snapshot.id);
    const shown = await cli('snapshots', 'show', id, snapshot.id);

    expect(deleted).toMatchObject({
      code: 0,
      stdout: `deleted ${snapshot.id}\n`,
    });
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/^error: no snapshot .+/);
  });

  it('keeps the snapshots of a sandbox deleted with --keep-snapshots', async () => {
    const id = await createRunning('keep');
    await platform.client.createSnapshot(id);

    const deleted = await cli('sandboxes', 'delete', id, '--keep-snapshots');
    const listed = await cli('--json', 'snapshots', 'list', id);

    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toMatch(/^deleting sbx-\S+ … deleted \(/);
    expect(JSON.parse(listed.stdout).items).toHaveLength(1);
  });

  it('refuses a restore to a time before the first snapshot, exit 1', async () => {
    const id = await createRunning('too-early');
    const first = await platform.client.createSnapshot(id);
    const earlier = new Date(Date.parse(first.createdAt) - 60_000);

    const run = await cli('restore', id, earlier.toISOString());

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `restoring ${id} to ${earlier.toISOString()} … failed\n`,
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: no snapshot at or before ${earlier.toISOString()}: ` +
          `the first one was taken at ${first.createdAt}$`,
        'm',
      ),
    );
  });

  it('refuses an unknown --kind as a usage error, exit 2', async () => {
    const run = await cli('snapshots', 'list', 'sbx-any', '--kind', 'weekly');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pre-restore');
  });
});
