import { existsSync, statSync } from 'node:fs';
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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { DirectoryObjectStore } from '../../../functions/adapters/local/directory-object-store.ts';

const HOSTILE_KEYS = [
  '../x',
  '/etc/passwd',
  'a/../../b',
  'a\\b',
  '',
  'a/./b',
  'a//b',
  'a/',
  'nul\0byte',
  '.tmp/hidden',
];

const bytes = (text: string) => new TextEncoder().encode(text);

describe('DirectoryObjectStore', () => {
  // outside/ holds what no key may reach; root/ is the store.
  let base = '';
  let root = '';
  let store: DirectoryObjectStore;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'auteryn-directory-store-'));
    root = join(base, 'root');
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret'), 'host file');
    store = new DirectoryObjectStore(root);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it.each(HOSTILE_KEYS)('refuses the key %j for every call', async (key) => {
    await expect(store.put(key, bytes('x'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.get(key)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.head(key)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(ValidationError);

    expect(existsSync(join(base, 'x'))).toBe(false);
    expect(existsSync(join(base, 'b'))).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('follows no symbolic link out of its root', async () => {
    await mkdir(root);
    await symlink(join(base, 'outside'), join(root, 'linked'));
    await symlink(join(base, 'outside', 'secret'), join(root, 'secret'));

    await expect(store.get('linked/secret')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(store.get('secret')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.head('linked/secret')).toBeUndefined();
    expect(await store.head('secret')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await expect(store.put('linked/new', bytes('x'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await store.delete('linked/secret');

    expect(await readdir(join(base, 'outside'))).toEqual(['secret']);
  });

  it('leaves nothing in its temporary folder when a put fails', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes('some of it'));
        controller.error(new Error('the source broke off'));
      },
    });

    await expect(store.put('a/b/broken', broken)).rejects.toThrow(/broke off/);
    await expect(
      store.put('short', bytes('four'), { contentLength: 5 }),
    ).rejects.toBeInstanceOf(ValidationError);

    expect(await readdir(root)).toEqual(['.tmp']);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('writes objects readable by their owner only', async () => {
    await store.put('a/b', bytes('private'));

    expect(statSync(join(root, 'a', 'b')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
  });

  it('refuses a relative root', () => {
    expect(() => new DirectoryObjectStore('exports')).toThrow(ValidationError);
  });
});
