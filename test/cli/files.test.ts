import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileEntry } from '../../functions/client/index.ts';
import {
  startTestPlatform,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';
import { runCli } from './run-cli.ts';

/** Every byte value, with bytes that are not UTF-8 and a NUL among them. */
const BINARY = Buffer.from(
  Uint8Array.from({ length: 70_000 }, (_, index) => (index * 7) % 256),
);

describe('auteryn files', () => {
  let platform: TestPlatform;
  let id: string;
  let local: string;
  const cli = (...args: string[]) => runCli(platform.url, args);

  beforeAll(async () => {
    platform = await startTestPlatform();
    local = await mkdtemp(join(tmpdir(), 'auteryn-cli-files-'));
    const sandbox = await platform.client.createSandbox({
      name: uniqueName('files'),
    });
    id = sandbox.id;
    await platform.client.waitForStatus(id, ['running'], { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await platform?.close();
    if (local) await rm(local, { recursive: true, force: true });
  });

  it('puts a binary file and gets the same bytes back, to a file and to stdout', async () => {
    const source = join(local, 'source.bin');
    const target = join(local, 'target.bin');
    await writeFile(source, BINARY);

    const put = await cli('files', 'put', id, source, '/home/agent/data/x.bin');
    const saved = await cli(
      'files',
      'get',
      id,
      '/home/agent/data/x.bin',
      '--output',
      target,
    );
    const printed = await cli('files', 'get', id, '/home/agent/data/x.bin');

    expect(put).toMatchObject({
      code: 0,
      stdout: `wrote ${BINARY.length} bytes to /home/agent/data/x.bin\n`,
    });
    expect(saved.code).toBe(0);
    expect(await readFile(target)).toEqual(BINARY);
    expect(printed.code).toBe(0);
    expect(printed.stdoutBytes).toEqual(BINARY);
  });

  it('uploads stdin when the local file is -', async () => {
    const put = await runCli(
      platform.url,
      ['files', 'put', id, '-', '/home/agent/stdin.txt'],
      { input: 'from stdin\n' },
    );
    const read = await platform.client.readFile(id, '/home/agent/stdin.txt');

    expect(put.code).toBe(0);
    expect(new TextDecoder().decode(read)).toBe('from stdin\n');
  });

  it('lists a folder as a table, or as JSON', async () => {
    await platform.client.writeFile(id, '/home/agent/ls/a.txt', 'abc');
    await platform.client.writeFile(id, '/home/agent/ls/dir/b.txt', 'b');

    const table = await cli('files', 'ls', id, '/home/agent/ls');
    const json = await cli('files', 'ls', id, '/home/agent/ls', '--json');
    const { items } = JSON.parse(json.stdout) as { items: FileEntry[] };

    expect(table.stdout).toMatch(/^MODE\s+SIZE\s+MODIFIED\s+NAME$/m);
    expect(table.stdout).toMatch(/^-0\d{3}\s+3\s+\S+Z\s+a\.txt$/m);
    expect(table.stdout).toMatch(/^d0\d{3}\s+\d+\s+\S+Z\s+dir\/$/m);
    expect(items.map((entry) => entry.name).sort()).toEqual(['a.txt', 'dir']);
  });

  it('removes a file, after which getting it fails with exit 1', async () => {
    await platform.client.writeFile(id, '/home/agent/gone.txt', 'bye');

    const removed = await cli('files', 'rm', id, '/home/agent/gone.txt');
    const get = await cli('files', 'get', id, '/home/agent/gone.txt');

    expect(removed).toMatchObject({
      code: 0,
      stdout: 'removed /home/agent/gone.txt\n',
    });
    expect(get.code).toBe(1);
    expect(get.stdout).toBe('');
    expect(get.stderr).toMatch(/^error: .+/);
  });

  it('names a local file that does not exist', async () => {
    const missing = join(local, 'missing.bin');

    const put = await cli('files', 'put', id, missing, '/home/agent/m.bin');

    expect(put.code).toBe(1);
    expect(put.stderr).toContain(missing);
  });
});
