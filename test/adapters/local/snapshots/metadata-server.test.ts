import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readXattrs,
  syncFileSystem,
} from '../../../../functions/adapters/local/snapshots/metadata-calls.ts';
import { setXattr } from './support.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('the metadata server of captures', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auteryn-metadata-'));
    for (const name of ['a', 'b', 'plain']) await writeFile(file(name), name);
    setXattr(file('a'), 'user.note', 'first');
    setXattr(file('b'), 'user.note', 'second');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers requests made at once, each with its own xattrs', async () => {
    const [first, second, third] = await Promise.all([
      readXattrs([file('a'), file('plain')]),
      readXattrs([file('b')]),
      readXattrs([file('plain'), file('a'), file('b')]),
    ]);

    expect(first).toEqual([{ 'user.note': base64('first') }, undefined]);
    expect(second).toEqual([{ 'user.note': base64('second') }]);
    expect(third).toEqual([
      undefined,
      { 'user.note': base64('first') },
      { 'user.note': base64('second') },
    ]);
  });

  it('fails a request it cannot carry out, and serves the next', async () => {
    const missing = syncFileSystem(file('missing'));
    await expect(missing).rejects.toThrow(/syncfs .*missing/);
    const unreadable = readXattrs([file('missing')]);
    await expect(unreadable).rejects.toThrow(/cannot read xattrs/);

    await syncFileSystem(dir);
    expect(await readXattrs([file('b')])).toEqual([
      { 'user.note': base64('second') },
    ]);
  });
});
