import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuterynClient } from '../../functions/client/index.ts';
import { useMoto } from '../support/moto.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/** Every file of the sandbox's home with its digest, and every link. */
const inventory = (client: AuterynClient, id: string) =>
  client.exec(id, {
    command:
      'find . -type f -print0 | sort -z | xargs -0 sha256sum; ' +
      'find . -type l -printf "%p -> %l\\n" | sort; ' +
      'stat -c "%n %a" code/run.sh',
  });

/**
 * Two platforms with their own data directories and region names share
 * one object store: a sandbox exported from one comes up in the other
 * whole, history and all.
 */
function transferBetweenPlatforms(store: () => string) {
  let east: TestPlatform;
  let west: TestPlatform;
  let sandboxId = '';
  let location = '';
  let importedId = '';

  beforeAll(async () => {
    east = await startTestPlatform({ region: 'eu-east', exportStore: store() });
    west = await startTestPlatform({ region: 'us-west', exportStore: store() });
  });
  afterAll(async () => {
    await east?.close();
    await west?.close();
  });

  it('exports a sandbox with its history, recording it in its events', async () => {
    const client = east.client;
    ({ id: sandboxId } = await client.createSandbox({
      name: 'mover',
      size: 'small',
      shutdownAfter: '30m',
    }));
    await client.exec(sandboxId, {
      command:
        'echo first > data/notes && head -c 300000 /dev/urandom > data/blob ' +
        '&& printf "#!/bin/sh\\necho run\\n" > code/run.sh && chmod 750 code/run.sh',
    });
    await client.createSnapshot(sandboxId, { name: 'v1' });
    await client.exec(sandboxId, {
      command: 'echo second > data/notes && ln -s ../data/notes code/notes',
    });

    const asked = await client.exportSandbox(sandboxId, {
      targetRegion: 'us-west',
    });
    expect(asked).toMatchObject({
      status: expect.any(String),
      sourceRegion: 'eu-east',
    });
    const done = await client.waitForExport(asked.id, WAIT);

    expect(done).toMatchObject({
      status: 'completed',
      targetRegion: 'us-west',
    });
    expect(done.bytesDone).toBe(done.bytesTotal);
    expect(done.snapshotIds).toHaveLength(2);
    location = done.location ?? '';
    expect(location).toContain(asked.id);
    const types = (await client.events(sandboxId)).items.map((e) => e.type);
    expect(types).toContain('SandboxExportRequested');
    expect(types.at(-1)).toBe('SandboxExported');
  });

  it('imports it in the other region with the same name, files and history', async () => {
    const imported = await west.client.importSandbox({ source: location });
    const done = await west.client.waitForImport(imported.id, WAIT);
    expect(done).toMatchObject({
      status: 'completed',
      sourceRegion: 'eu-east',
    });
    importedId = done.sandboxId;

    const sandbox = await west.client.getSandbox(importedId);
    expect(sandbox).toMatchObject({
      name: 'mover',
      size: 'small',
      shutdownAfter: '30m',
      status: 'stopped',
      importedFrom: { sourceRegion: 'eu-east', sourceSandboxId: sandboxId },
    });
    const [there, here] = await Promise.all([
      east.client.listSnapshots(sandboxId),
      west.client.listSnapshots(importedId),
    ]);
    const shape = (s: (typeof here)[number]) => [
      s.id,
      s.name,
      s.kind,
      s.createdAt,
    ];
    expect(here.map(shape)).toEqual(there.map(shape));

    const [before, after] = await Promise.all([
      inventory(east.client, sandboxId),
      inventory(west.client, importedId),
    ]);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).toContain('./code/notes -> ../data/notes');
    expect(after.stdout).toContain('code/run.sh 750');
    const types = (await west.client.events(importedId)).items.map(
      (e) => e.type,
    );
    expect(types[0]).toBe('SandboxImported');
  });

  it('restores the imported sandbox to an older snapshot by name', async () => {
    await west.client.restore(importedId, { snapshot: 'v1' });
    await west.client.waitForStatus(importedId, ['stopped', 'running'], WAIT);

    const notes = await west.client.exec(importedId, {
      command: 'cat data/notes',
    });
    expect(notes.stdout).toBe('first\n');
  });

  it('makes one sandbox of a package imported twice', async () => {
    const again = await west.client.importSandbox({ source: location });

    expect(again.sandboxId).toBe(importedId);
    const named = (await west.client.listSandboxes()).filter(
      (s) => s.name === 'mover',
    );
    expect(named).toHaveLength(1);
  });
}

describe('export and import through a shared directory', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auteryn-exports-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  transferBetweenPlatforms(() => dir);
});

describe('export and import through an S3 bucket on moto', () => {
  const moto = useMoto();
  const bucket = `auteryn-exports-${Date.now()}`;
  const saved = { ...process.env };

  beforeAll(async () => {
    // The platforms build their S3 client from the environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    await moto.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) delete process.env[key];
    }
    Object.assign(process.env, saved);
  });
  transferBetweenPlatforms(() => `s3://${bucket}/exports`);
});
