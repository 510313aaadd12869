import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { killGroup } from './captured-process.ts';

export type UploadOutcome =
  | { kind: 'too-large' }
  | { kind: 'written'; code: number; stderr: string };

/**
 * Streams `body` into the child's stdin, counting bytes. Past `maxBytes`
 * it kills the child's process group and stops reading the body.
 */
export async function pipeLimited(
  body: ReadableStream<Uint8Array>,
  child: ChildProcess,
  maxBytes: number,
): Promise<UploadOutcome> {
  const stdin = child.stdin;
  if (!stdin) throw new Error('upload needs a piped stdin');
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout?.resume();
  const closed = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });

  // A child that died early (mkdir failed) breaks the pipe: its exit code
  // and stderr tell why, not the EPIPE.
  stdin.on('error', () => undefined);

  const reader = body.getReader();
  try {
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (stdin.destroyed) {
        await reader.cancel();
        break;
      }

      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        killGroup(child.pid);
        await closed;
        return { kind: 'too-large' };
      }
      if (!stdin.write(value)) {
        await Promise.race([once(stdin, 'drain'), closed]);
      }
    }
  } catch (error) {
    // The body failed (a client hung up): leave no writer behind.
    killGroup(child.pid);
    await closed;
    throw error;
  }
  stdin.end();

  const code = await closed;
  return {
    kind: 'written',
    code,
    stderr: Buffer.concat(stderr).toString('utf8').trim(),
  };
}
