import { createHash } from 'node:crypto';

export const MIB = 1024 * 1024;

/**
 * `size` bytes in chunks of up to 1 MiB, each different, made as they
 * are read; `failAfter` makes the source break there. `digest` is the
 * SHA-256 of what was handed out.
 */
export function generatedBody(size: number, failAfter?: number) {
  const hash = createHash('sha256');
  let made = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && made >= failAfter) {
        controller.error(new Error('the source broke off'));
        return;
      }
      if (made >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(MIB, size - made));
      chunk.fill(made / MIB + 1);
      new DataView(chunk.buffer).setUint32(0, made / MIB);
      hash.update(chunk);
      made += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

/**
 * One chunk, then a pause until `finish` is called: the put is underway
 * while `taken` has resolved and `finish` has not been called.
 */
export function pausedBody(first: string, rest: string) {
  let signalTaken = () => {};
  let release = () => {};
  const taken = new Promise<void>((resolve) => {
    signalTaken = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        pulls += 1;
        if (pulls === 1) return controller.enqueue(bytes(first));
        signalTaken();
        await released;
        controller.enqueue(bytes(rest));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, taken, finish: release };
}

export const bytes = (text: string) => new TextEncoder().encode(text);

export async function digestOf(stream: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}
