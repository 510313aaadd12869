import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type AuterynClient } from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';

const SETTLE = { timeoutMs: 20_000, intervalMs: 50 };
const NOTES = '/home/agent/notes.txt';

/** Every byte value, so that no encoding can pass by luck. */
const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, index) => index);

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The ISO time halfway between two others. */
const between = (earlier: string, later: string) =>
  new Date((Date.parse(earlier) + Date.parse(later)) / 2).toISOString();

describe('client: snapshots and time travel', () => {
  let platform: TestPlatform;
  let client: AuterynClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    client = platform.client;
  });
  afterAll(() => platform?.close());

  const createRunning = async (prefix: string) => {
    const created = await client.createSandbox({ name: uniqueName(prefix) });
    return (await client.waitForStatus(created.id, ['running'], SETTLE)).id;
  };
  const notesOf = async (id: string) => text(await client.readFile(id, NOTES));
  const restoreAndSettle = async (
    id: string,
    request: Parameters<AuterynClient['restore']>[1],
  ) => {
    await client.restore(id, request);
    return client.waitForStatus(id, ['running', 'stopped'], SETTLE);
  };

  it('takes a named snapshot, lists it by kind and gets it', async () => {
    const id = await createRunning('named');
    await client.writeFile(id, NOTES, 'v1');

    const snapshot = await client.createSnapshot(id, { name: 'first' });
    const manual = await client.listSnapshots(id, { kind: 'manual' });
    const auto = await client.listSnapshots(id, { kind: 'auto' });
    const fetched = await client.getSnapshot(id, snapshot.id);
    const sandbox = await client.getSandbox(id);

    expect(snapshot).toMatchObject({
      id: expect.stringMatching(/^snap-/),
      sandboxId: id,
      name: 'first',
      kind: 'manual',
      status: 'completed',
      error: null,
    });
    expect(snapshot.fileCount).toBeGreaterThan(0);
    expect(await client.listSnapshots(id)).toEqual([snapshot]);
    expect(manual).toEqual([snapshot]);
    expect(auto).toEqual([]);
    expect(fetched).toEqual(snapshot);
    expect(sandbox).toMatchObject({
      snapshotCount: 1,
      lastSnapshotAt: snapshot.createdAt,
    });
  });

  it('restores by name, keeping what it replaced as a pre-restore snapshot', async () => {
    const id = await createRunning('by-name');
    await client.writeFile(id, NOTES, 'kept');
    await client.createSnapshot(id, { name: 'good' });
    await client.writeFile(id, NOTES, 'broken');

    const settled = await restoreAndSettle(id, { snapshot: 'good' });
    const [undo] = await client.listSnapshots(id, { kind: 'pre-restore' });
    if (!undo) throw new Error('the restore left no pre-restore snapshot');
    const replaced = await client.readSnapshotFile(id, undo.id, NOTES);

    expect(settled.status).toBe('running');
    expect(await notesOf(id)).toBe('kept');
    expect(undo.status).toBe('completed');
    expect(text(replaced)).toBe('broken');
  });

  it('restores by ISO time to the newest snapshot taken at or before it', async () => {
    const id = await createRunning('by-time');
    await client.writeFile(id, NOTES, 'one');
    const one = await client.createSnapshot(id);
    await client.writeFile(id, NOTES, 'two');
    const two = await client.createSnapshot(id);
    await client.writeFile(id, NOTES, 'three');

    await restoreAndSettle(id, {
      snapshot: between(one.createdAt, two.createdAt),
    });

    expect(await notesOf(id)).toBe('one');
  });

  it('restores only the paths asked for', async () => {
    const id = await createRunning('paths');
    await client.writeFile(id, '/home/agent/a/file', 'a1');
    await client.writeFile(id, '/home/agent/b/file', 'b1');
    const snapshot = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/a/file', 'a2');
    await client.writeFile(id, '/home/agent/b/file', 'b2');

    await restoreAndSettle(id, {
      snapshot: snapshot.id,
      paths: ['/home/agent/a'],
    });

    expect(text(await client.readFile(id, '/home/agent/a/file'))).toBe('a1');
    expect(text(await client.readFile(id, '/home/agent/b/file'))).toBe('b2');
  });

  it('reads a file and lists a folder as they were', async () => {
    const id = await createRunning('browse');
    await client.writeFile(id, '/home/agent/then/bytes.bin', EVERY_BYTE);
    await client.writeFile(id, '/home/agent/then/gone.txt', 'gone');
    const snapshot = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/then/bytes.bin', 'overwritten');
    await client.removeFile(id, '/home/agent/then/gone.txt');

    const bytes = await client.readSnapshotFile(
      id,
      snapshot.id,
      '/home/agent/then/bytes.bin',
    );
    const entries = await client.listSnapshotFiles(
      id,
      snapshot.id,
      '/home/agent/then',
    );

    expect(bytes).toEqual(EVERY_BYTE);
    expect(entries.map((entry) => entry.name).sort()).toEqual([
      'bytes.bin',
      'gone.txt',
    ]);
    expect(entries).toContainEqual(
      expect.objectContaining({ name: 'bytes.bin', size: EVERY_BYTE.length }),
    );
  });

  it('diffs a snapshot against the live sandbox and against another snapshot', async () => {
    const id = await createRunning('diff');
    await client.writeFile(id, '/home/agent/d/changed', 'before');
    await client.writeFile(id, '/home/agent/d/removed', 'here');
    const before = await client.createSnapshot(id);
    await client.writeFile(id, '/home/agent/d/changed', 'after');
    await client.removeFile(id, '/home/agent/d/removed');
    await client.writeFile(id, '/home/agent/d/added', 'new');

    const live = await client.diffSnapshot(id, before.id);
    const after = await client.createSnapshot(id);
    const snapshotToSnapshot = await client.diffSnapshot(id, before.id, {
      against: after.id,
    });
    const unchanged = await client.diffSnapshot(id, after.id);

    expect(live).toEqual({
      added: ['/home/agent/d/added'],
      removed: ['/home/agent/d/removed'],
      changed: ['/home/agent/d/changed'],
    });
    expect(snapshotToSnapshot).toEqual(live);
    expect(unchanged).toEqual({ added: [], removed: [], changed: [] });
  });

  it('deletes a snapshot, after which it is not found', async () => {
    const id = await createRunning('delete');
    const snapshot = await client.createSnapshot(id);

    await client.deleteSnapshot(id, snapshot.id);
    const error = await client.getSnapshot(id, snapshot.id).catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
    expect(await client.listSnapshots(id)).toEqual([]);
  });

  it('keeps the snapshots of a sandbox deleted with keepSnapshots', async () => {
    const kept = await createRunning('kept');
    const gone = await createRunning('gone');
    await client.createSnapshot(kept);
    await client.createSnapshot(gone);

    await client.deleteSandbox(kept, { keepSnapshots: true });
    await client.deleteSandbox(gone);
    await client.waitForStatus(kept, ['deleted'], SETTLE);
    await client.waitForStatus(gone, ['deleted'], SETTLE);

    expect(await client.listSnapshots(kept)).toHaveLength(1);
    expect(await client.listSnapshots(gone)).toEqual([]);
  });

  it('refuses a restore to a time before the first snapshot with 409', async () => {
    const id = await createRunning('too-early');
    const first = await client.createSnapshot(id);
    const earlier = new Date(Date.parse(first.createdAt) - 60_000);

    const error = await client
      .restore(id, { snapshot: earlier.toISOString() })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'illegal_state' });
    expect((error as ApiError).message).toContain(first.createdAt);
  });

  it('reports an unknown snapshot as 404, whether read or restored', async () => {
    const id = await createRunning('unknown');

    const read = await client.getSnapshot(id, 'snap-missing').catch((e) => e);
    const restored = await client
      .restore(id, { snapshot: 'never-named' })
      .catch((e) => e);

    expect(read).toBeInstanceOf(ApiError);
    expect(read).toMatchObject({ status: 404, code: 'not_found' });
    expect(restored).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('refuses a second snapshot of the same name with 409', async () => {
    const id = await createRunning('duplicate');
    const first = await client.createSnapshot(id, { name: 'only-once' });

    const error = await client
      .createSnapshot(id, { name: 'only-once' })
      .catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'conflict' });
    expect((error as ApiError).message).toContain(first.id);
  });
});
