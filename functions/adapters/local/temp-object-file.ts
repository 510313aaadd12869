import { randomUUID } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../../domain/errors.ts';
import type { PutObjectOptions } from '../../../domain/ports/object-store.ts';

/** Objects hold a sandbox's files: readable by their owner only. */
export const OBJECT_FILE_MODE = 0o600;

/**
 * Writes the whole body to a new file in `folder` and flushes it to
 * disk, returning the file and its size. A body that breaks off, or is
 * longer or shorter than `contentLength`, removes the file and throws;
 * a body longer than announced is cancelled as soon as that shows.
 */
export async function writeTempObject(
  folder: string,
  key: string,
  body: ReadableStream<Uint8Array> | Uint8Array,
  options: PutObjectOptions,
): Promise<{ path: string; size: number }> {
  const path = join(folder, `${randomUUID()}.part`);
  const file = await open(path, 'wx', OBJECT_FILE_MODE);

  try {
    const size = await writeBody(file, key, body, options);
    if (options.durable !== false) await file.sync();
    await file.close();
    return { path, size };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

async function writeBody(
  file: FileHandle,
  key: string,
  body: ReadableStream<Uint8Array> | Uint8Array,
  { contentLength, onProgress }: PutObjectOptions,
): Promise<number> {
  let done = 0;

  // Leaving the loop by a throw cancels a web stream: nothing reads on.
  for await (const chunk of body instanceof Uint8Array ? [body] : body) {
    done += chunk.byteLength;
    if (contentLength !== undefined && done > contentLength) {
      throw wrongLength(key, `more than ${contentLength}`, contentLength);
    }
    await writeFully(file, chunk);
    onProgress?.(done);
  }

  if (contentLength !== undefined && done !== contentLength) {
    throw wrongLength(key, String(done), contentLength);
  }
  return done;
}

/** A write may take less than it was given; loop until all is down. */
async function writeFully(file: FileHandle, chunk: Uint8Array) {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset);
    offset += bytesWritten;
  }
}

function wrongLength(key: string, held: string, announced: number) {
  return new ValidationError(
    `put ${key}: body held ${held} bytes, not the ${announced} announced`,
    [{ field: 'contentLength', message: `the body is not ${announced} bytes` }],
  );
}
