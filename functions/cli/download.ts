import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CliContext, output } from './context.ts';

/**
 * Streams a file's bytes to stdout, or to the local file `target` and
 * then says how many were saved. Shared by `files get` and
 * `snapshots cat`, which differ only in where the bytes come from.
 */
export async function download(
  context: CliContext,
  body: ReadableStream<Uint8Array>,
  path: string,
  target: string | undefined,
): Promise<void> {
  const source = Readable.fromWeb(body);

  if (target === undefined) {
    // The bytes are the output: --json cannot wrap them.
    await pipeline(source, process.stdout, { end: false });
    return;
  }
  await pipeline(source, createWriteStream(target));
  const { size } = await stat(target);
  output(
    context,
    { path, output: target, bytes: size },
    () => `saved ${size} bytes to ${target}`,
  );
}
