import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { S3ObjectStore } from '../../../functions/adapters/aws/s3-object-store.ts';
import { useMoto } from '../../support/moto.ts';
import { inputsOf, recordCommands } from '../../support/moto-capture.ts';

const MIB = 1024 * 1024;
const LARGE = 40 * MIB;

/**
 * `size` bytes in 1 MiB chunks, each different, made as they are read
 * (nothing held in memory); `failAfter` makes the source break there.
 */
function generated(size: number, failAfter?: number, seed = 0) {
  const hash = createHash('sha256');
  let made = 0;
  const stream = new Readable({
    read() {
      if (failAfter !== undefined && made >= failAfter) {
        this.destroy(new Error('the source broke off'));
        return;
      }
      if (made >= size) return this.push(null);
      const fill = (made / MIB + seed) % 256;
      const chunk = Buffer.alloc(Math.min(MIB, size - made), fill);
      chunk.writeUInt32BE(made / MIB, 0);
      hash.update(chunk);
      made += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function digestOf(stream: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

describe('S3ObjectStore on moto_server', () => {
  const moto = useMoto({ resetEachTest: true });
  const store = (kmsKeyId?: string) =>
    new S3ObjectStore(moto.s3, bucket, 'exports', { kmsKeyId });

  // A bucket of its own per test, so the suite also holds on an endpoint
  // that is not reset between tests (AWS_ENDPOINT_URL).
  let bucket = '';
  let tests = 0;
  beforeEach(async () => {
    bucket = `auteryn-test-${Date.now()}-${++tests}`;
    await moto.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('round-trips a large stream in parts, telling its progress', async () => {
    const source = generated(LARGE);
    const progress: number[] = [];
    const sent = recordCommands(moto.s3);

    const stored = await store().put('sbx-1/export.tar', source.stream, {
      contentLength: LARGE,
      onProgress: (bytes) => progress.push(bytes),
    });

    expect(stored.size).toBe(LARGE);
    expect(inputsOf(sent, 'UploadPartCommand').length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(LARGE);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const back = await store().get('sbx-1/export.tar');
    expect(await digestOf(back)).toBe(source.digest());
    expect(await store().head('sbx-1/export.tar')).toMatchObject({
      size: LARGE,
    });
  });

  const openUploads = async () => {
    const listed = await moto.s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket }),
    );
    return listed.Uploads ?? [];
  };

  it('shows no object when the source breaks off, and keeps its parts', async () => {
    const source = generated(LARGE, 20 * MIB);

    await expect(
      store().put('sbx-1/broken.tar', source.stream),
    ).rejects.toThrow(/broke off/);

    expect(await store().head('sbx-1/broken.tar')).toBeUndefined();
    expect((await openUploads()).map((u) => u.Key)).toEqual([
      'exports/sbx-1/broken.tar',
    ]);
  });

  it('resumes an upload cut off, sending only the parts not held', async () => {
    await expect(
      store().put('sbx-1/pack.bin', generated(LARGE, 20 * MIB).stream),
    ).rejects.toThrow(/broke off/);
    const sent = recordCommands(moto.s3);
    const source = generated(LARGE);

    await store().put('sbx-1/pack.bin', source.stream);

    // 8 MiB parts: parts 1 and 2 went up before the source broke at 20.
    const parts = inputsOf(sent, 'UploadPartCommand').map((p) => p.PartNumber);
    expect(parts.sort()).toEqual([3, 4, 5]);
    const back = await store().get('sbx-1/pack.bin');
    expect(await digestOf(back)).toBe(source.digest());
    expect(await openUploads()).toEqual([]);
  });

  it('sends again the parts of a cut-off upload that hold other bytes', async () => {
    await expect(
      store().put('sbx-1/pack.bin', generated(LARGE, 20 * MIB).stream),
    ).rejects.toThrow(/broke off/);
    const sent = recordCommands(moto.s3);
    const other = generated(LARGE, undefined, 7);

    await store().put('sbx-1/pack.bin', other.stream);

    const parts = inputsOf(sent, 'UploadPartCommand').map((p) => p.PartNumber);
    expect(parts.sort()).toEqual([1, 2, 3, 4, 5]);
    const back = await store().get('sbx-1/pack.bin');
    expect(await digestOf(back)).toBe(other.digest());
  });

  it('aborts an upload whose body is not the length announced', async () => {
    const source = generated(20 * MIB);

    await expect(
      store().put('sbx-1/short.bin', source.stream, {
        contentLength: 30 * MIB,
      }),
    ).rejects.toBeInstanceOf(ValidationError);

    expect(await store().head('sbx-1/short.bin')).toBeUndefined();
    expect(await openUploads()).toEqual([]);
  });

  it('refuses and removes a body shorter than it was announced', async () => {
    const source = generated(MIB);

    await expect(
      store().put('sbx-1/short.tar', source.stream, { contentLength: 2 * MIB }),
    ).rejects.toBeInstanceOf(ValidationError);

    expect(await store().head('sbx-1/short.tar')).toBeUndefined();
  });

  it('takes a web stream as the body', async () => {
    const body = new Blob(['hello, sandbox']).stream();

    await store().put('notes.txt', body);

    const back = await store().get('notes.txt');
    expect(await new Response(back).text()).toBe('hello, sandbox');
  });

  it('lists below its prefix, and deletes', async () => {
    await store().put('sbx-1/a', Readable.from([Buffer.from('a')]));
    await store().put('sbx-1/b', Readable.from([Buffer.from('bb')]));
    await store().put('sbx-2/c', Readable.from([Buffer.from('c')]));

    const listed = await store().list('sbx-1/');
    expect(listed.map(({ key, size }) => ({ key, size }))).toEqual([
      { key: 'sbx-1/a', size: 1 },
      { key: 'sbx-1/b', size: 2 },
    ]);

    await store().delete('sbx-1/a');
    await store().delete('sbx-1/a');
    expect(await store().head('sbx-1/a')).toBeUndefined();
    await expect(store().get('sbx-1/a')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('asks for SSE-KMS with the key it was given', async () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/transfers';
    const sent = recordCommands(moto.s3);

    await store(key).put('sealed', Readable.from([Buffer.from('secret')]));

    const [put] = inputsOf(sent, 'PutObjectCommand');
    expect(put).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: key,
    });
  });
});
