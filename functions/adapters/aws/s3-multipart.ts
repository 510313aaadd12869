import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type Part,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ValidationError } from '../../../domain/errors.ts';

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  /** The object's whole key, prefix included. */
  key: string;
  partSizeBytes: number;
  partsInFlight: number;
  /** SSE parameters for the object, if any. */
  encryption: { ServerSideEncryption?: 'aws:kms'; SSEKMSKeyId?: string };
  onProgress?(bytesDone: number): void;
}

/**
 * Uploads `body` to the target key, in one PutObject if it fits in one
 * part, else as a multipart upload that resumes: an upload of the same
 * key left unfinished by an earlier attempt (a crash, a broken source,
 * a network failure) is taken up again, and each of its parts that
 * holds the same bytes (same size and SHA-256, or MD5 ETag where S3
 * keeps no checksum) is not sent again. The object appears only once
 * complete. A body the caller got wrong (ValidationError) aborts the
 * upload, since nothing of it is worth keeping; any other failure
 * leaves the parts for the next attempt (the bucket's lifecycle rule
 * removes those nobody comes back for).
 */
export async function uploadObject(
  target: UploadTarget,
  body: Readable,
): Promise<{ etag?: string }> {
  const parts = readParts(body, target.partSizeBytes);
  const first = await parts.next();
  const second = first.done ? first : await parts.next();
  if (second.done) {
    const bytes = first.done ? Buffer.alloc(0) : first.value;
    const put = await target.client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        Body: bytes,
        ContentLength: bytes.length,
        ...target.encryption,
      }),
    );
    target.onProgress?.(bytes.length);
    return { etag: put.ETag };
  }

  const upload = await openUpload(target);
  try {
    return await sendParts(target, upload, [first.value, second.value], parts);
  } catch (error) {
    if (error instanceof ValidationError) await abort(target, upload.id);
    throw error;
  }
}

interface OpenUpload {
  id: string;
  /** Parts S3 holds for it already, by part number. */
  held: Map<number, Part>;
}

async function openUpload(target: UploadTarget): Promise<OpenUpload> {
  const id = await unfinishedUpload(target);
  if (id) return { id, held: await heldParts(target, id) };

  const created = await target.client.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ChecksumAlgorithm: 'SHA256',
      ...target.encryption,
    }),
  );
  if (!created.UploadId)
    throw new Error(`S3 gave no upload id for ${target.key}`);
  return { id: created.UploadId, held: new Map() };
}

/** The newest multipart upload of exactly this key, if one is open. */
async function unfinishedUpload(target: UploadTarget) {
  let newest: { id: string; at: number } | undefined;
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await target.client.send(
      new ListMultipartUploadsCommand({
        Bucket: target.bucket,
        Prefix: target.key,
        ...markers,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== target.key || !upload.UploadId) continue;
      const at = upload.Initiated?.getTime() ?? 0;
      if (!newest || at > newest.at) newest = { id: upload.UploadId, at };
    }
    if (!page.IsTruncated) return newest?.id;
    markers = {
      KeyMarker: page.NextKeyMarker,
      UploadIdMarker: page.NextUploadIdMarker,
    };
  }
}

async function heldParts(target: UploadTarget, uploadId: string) {
  const held = new Map<number, Part>();
  let marker: string | undefined;
  for (;;) {
    const page = await target.client.send(
      new ListPartsCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        PartNumberMarker: marker,
      }),
    );
    for (const part of page.Parts ?? []) {
      if (part.PartNumber) held.set(part.PartNumber, part);
    }
    if (!page.IsTruncated || !page.NextPartNumberMarker) return held;
    marker = page.NextPartNumberMarker;
  }
}

async function sendParts(
  target: UploadTarget,
  upload: OpenUpload,
  firstParts: Buffer[],
  rest: AsyncGenerator<Buffer>,
): Promise<{ etag?: string }> {
  const completed: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let bytesDone = 0;
  let failure: unknown;

  const send = async (number: number, bytes: Buffer) => {
    const part = await sendPart(target, upload, number, bytes);
    completed.push(part);
    bytesDone += bytes.length;
    target.onProgress?.(bytesDone);
  };

  let number = 0;
  try {
    for await (const bytes of chain(firstParts, rest)) {
      number += 1;
      const sending = send(number, bytes).catch((error: unknown) => {
        failure ??= error;
      });
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
      if (inFlight.size >= target.partsInFlight) await Promise.race(inFlight);
      if (failure) break;
    }
  } finally {
    // Parts already under way finish either way: a retry resumes them.
    await Promise.all(inFlight);
  }
  if (failure) throw failure;

  completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  const done = await target.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      UploadId: upload.id,
      MultipartUpload: { Parts: completed },
    }),
  );
  return { etag: done.ETag };
}

/** Sends one part, unless S3 holds these very bytes under its number. */
async function sendPart(
  target: UploadTarget,
  upload: OpenUpload,
  number: number,
  bytes: Buffer,
): Promise<CompletedPart> {
  const sha256 = createHash('sha256').update(bytes).digest('base64');
  const held = upload.held.get(number);
  if (held?.ETag && holdsSameBytes(held, bytes, sha256)) {
    return { PartNumber: number, ETag: held.ETag, ChecksumSHA256: sha256 };
  }

  const sent = await target.client.send(
    new UploadPartCommand({
      Bucket: target.bucket,
      Key: target.key,
      UploadId: upload.id,
      PartNumber: number,
      Body: bytes,
      ContentLength: bytes.length,
      ChecksumSHA256: sha256,
    }),
  );
  return { PartNumber: number, ETag: sent.ETag, ChecksumSHA256: sha256 };
}

/**
 * S3 lists a part's SHA-256 when the upload asked for it; an upload
 * without (or an S3 lookalike that lists none) still has the ETag,
 * which is the part's MD5 unless the bucket encrypts with KMS (then
 * the part is sent again: correct, only slower).
 */
function holdsSameBytes(held: Part, bytes: Buffer, sha256: string) {
  if (held.Size !== bytes.length) return false;
  if (held.ChecksumSHA256) return held.ChecksumSHA256 === sha256;
  const md5 = createHash('md5').update(bytes).digest('hex');
  return held.ETag === `"${md5}"`;
}

async function abort(target: UploadTarget, uploadId: string) {
  await target.client
    .send(
      new AbortMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
      }),
    )
    .catch(() => undefined);
}

/** The body cut into parts of exactly `size` bytes, the last shorter. */
export async function* readParts(
  body: Readable,
  size: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let held = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    pending.push(chunk);
    held += chunk.length;
    while (held >= size) {
      const joined = Buffer.concat(pending);
      yield joined.subarray(0, size);
      pending = [joined.subarray(size)];
      held -= size;
    }
  }
  if (held > 0) yield Buffer.concat(pending);
}

async function* chain(first: Buffer[], rest: AsyncGenerator<Buffer>) {
  yield* first;
  yield* rest;
}
