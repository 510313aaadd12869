import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ValidationError } from '../../../domain/errors.ts';

/** Any body a put takes, as a node stream. */
export function toNodeStream(
  body: Readable | ReadableStream<Uint8Array> | Uint8Array,
): Readable {
  if (body instanceof Readable) return body;
  if (body instanceof Uint8Array) {
    return Readable.from([
      Buffer.from(body.buffer, body.byteOffset, body.length),
    ]);
  }
  return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
}

/**
 * Passes the body through, counting bytes. An error of the source, or a
 * length other than `contentLength`, is an error of the upload (one
 * of the length aborts it); an error of the upload stops the source.
 */
export function countBytes(
  source: Readable,
  key: string,
  contentLength?: number,
) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (contentLength !== undefined && bytes > contentLength) {
        callback(wrongLength(key, `more than ${contentLength}`, contentLength));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (contentLength !== undefined && bytes !== contentLength) {
        callback(wrongLength(key, String(bytes), contentLength));
        return;
      }
      callback();
    },
  });
  source.once('error', (error) => counter.destroy(error));
  counter.once('error', () => source.destroy());
  return { stream: source.pipe(counter), bytes: () => bytes };
}

function wrongLength(key: string, held: string, announced: number) {
  return new ValidationError(
    `upload ${key}: body held ${held} bytes, not the ${announced} announced`,
    [{ field: 'contentLength', message: `the body is not ${announced} bytes` }],
  );
}
