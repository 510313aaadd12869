import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ObjectStore } from '../../domain/ports/object-store.ts';
import {
  bytes,
  digestOf,
  generatedBody,
  MIB,
  pausedBody,
} from '../support/object-bodies.ts';
import {
  objectStoreBackends,
  type StoreContext,
} from '../support/object-stores.ts';

const LARGE = 24 * MIB;

const textOf = async (stream: ReadableStream<Uint8Array>) =>
  new Response(stream).text();

const keysOf = async (store: ObjectStore, prefix?: string) =>
  (await store.list(prefix)).map(({ key }) => key);

function objectStoreContract(use: () => StoreContext) {
  const context = use();
  const store = () => context.store();

  it('round-trips a large stream, telling progress up to its size', async () => {
    const body = generatedBody(LARGE);
    const progress: number[] = [];

    const stored = await store().put('sbx-1/data.bin', body.stream, {
      contentLength: LARGE,
      onProgress: (done) => progress.push(done),
    });

    expect(stored).toMatchObject({ key: 'sbx-1/data.bin', size: LARGE });
    expect(progress.at(-1)).toBe(LARGE);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const back = await store().get('sbx-1/data.bin');
    expect(await digestOf(back)).toBe(body.digest());
    expect(await store().head('sbx-1/data.bin')).toMatchObject({
      key: 'sbx-1/data.bin',
      size: LARGE,
    });
  });

  it('takes a byte array as the body, and replaces what was there', async () => {
    await store().put('manifest.json', bytes('{"v":1}'));
    const stored = await store().put('manifest.json', bytes('{"v":22}'));

    expect(stored.size).toBe(8);
    expect(await textOf(await store().get('manifest.json'))).toBe('{"v":22}');
  });

  it('keeps keys with nested slashes apart', async () => {
    await store().put('a/b/c/d.txt', bytes('deep'));
    await store().put('a/b.txt', bytes('shallow'));

    expect(await textOf(await store().get('a/b/c/d.txt'))).toBe('deep');
    expect(await textOf(await store().get('a/b.txt'))).toBe('shallow');
    expect(await store().head('a/b/c/d.txt')).toMatchObject({ size: 4 });
  });

  it('lists by prefix, sorted by key', async () => {
    for (const key of ['sbx-10/z', 'sbx-1/b/c', 'sbx-1-x', 'sbx-1/a', 'o']) {
      await store().put(key, bytes(key));
    }

    expect(await keysOf(store())).toEqual([
      'o',
      'sbx-1-x',
      'sbx-1/a',
      'sbx-1/b/c',
      'sbx-10/z',
    ]);
    expect(await keysOf(store(), 'sbx-1/')).toEqual(['sbx-1/a', 'sbx-1/b/c']);
    expect(await keysOf(store(), 'sbx-1')).toEqual([
      'sbx-1-x',
      'sbx-1/a',
      'sbx-1/b/c',
      'sbx-10/z',
    ]);
    expect(await store().list('sbx-1/b/')).toMatchObject([
      { key: 'sbx-1/b/c', size: 9 },
    ]);
    expect(await store().list('nothing/')).toEqual([]);
  });

  it('sorts keys by code point, as S3 does', async () => {
    const keys = ['k/\u{1F600}', 'k/\uFFFD', 'k/z'];
    for (const key of keys) await store().put(key, bytes('x'));

    expect(await keysOf(store(), 'k/')).toEqual(keys.toReversed());
  });

  it('answers undefined to a head of a missing object', async () => {
    await store().put('there/a', bytes('a'));

    expect(await store().head('there/b')).toBeUndefined();
    expect(await store().head('there')).toBeUndefined();
    expect(await store().head('nowhere/at/all')).toBeUndefined();
  });

  it('fails a get of a missing object with NotFoundError', async () => {
    await store().put('there/a', bytes('a'));

    await expect(store().get('there/b')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store().get('there')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes, and deleting again or a missing key is done too', async () => {
    await store().put('sbx-1/a', bytes('a'));
    await store().put('sbx-1/b', bytes('b'));

    await store().delete('sbx-1/a');
    await store().delete('sbx-1/a');
    await store().delete('never/was');

    expect(await store().head('sbx-1/a')).toBeUndefined();
    expect(await keysOf(store())).toEqual(['sbx-1/b']);
  });

  it('leaves no object when the body breaks off midway', async () => {
    const body = generatedBody(LARGE, 12 * MIB);

    await expect(store().put('sbx-1/broken', body.stream)).rejects.toThrow(
      /broke off/,
    );

    expect(await store().head('sbx-1/broken')).toBeUndefined();
    expect(await store().list()).toEqual([]);
  });

  it('refuses a body shorter or longer than announced, leaving nothing', async () => {
    // Each put is awaited before the next starts: a second put left
    // pending would reject while the first is awaited, unhandled.
    await expect(
      store().put('short', bytes('four'), { contentLength: 5 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      store().put('long', generatedBody(2 * MIB).stream, {
        contentLength: MIB,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await store().head('short')).toBeUndefined();
    expect(await store().head('long')).toBeUndefined();
    expect(await store().list()).toEqual([]);
  });

  it('shows nothing of an object until its body is whole', async () => {
    const body = pausedBody('first half, ', 'second half');

    const put = store().put('slow.txt', body.stream);
    await body.taken;
    const whileWriting = await store().head('slow.txt');
    const listedWhileWriting = await store().list();
    body.finish();
    await put;

    expect(whileWriting).toBeUndefined();
    expect(listedWhileWriting).toEqual([]);
    expect(await textOf(await store().get('slow.txt'))).toBe(
      'first half, second half',
    );
  });

  it('is found again at its location', async () => {
    await store().put('package/manifest.json', bytes('{}'));

    const again = context.reopen(store().location);

    expect(again.location).toBe(store().location);
    expect(await textOf(await again.get('package/manifest.json'))).toBe('{}');
  });
}

for (const { name, use } of objectStoreBackends) {
  describe(`ObjectStore on ${name}`, () => objectStoreContract(use));
}
