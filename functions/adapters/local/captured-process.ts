import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { ExecResult } from '../../../domain/ports/sandbox-runtime.ts';

/** Each of stdout and stderr keeps at most this much; the rest drains. */
export const EXEC_OUTPUT_LIMIT_BYTES = 1024 * 1024;

// A background job can hold the pipes open long after the command exits;
// give the last output this long to arrive, then stop listening.
const OUTPUT_DRAIN_GRACE_MS = 250;

// setTimeout overflows past 2^31 - 1 ms and would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Keeps the head of a stream up to a limit and notes what it dropped. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  push(chunk: Buffer): void {
    const room = EXEC_OUTPUT_LIMIT_BYTES - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;

    const kept = chunk.subarray(0, room);
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface CapturedRun {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  timeoutSeconds: number;
  /** Told the process group, e.g. to kill what it leaves behind. */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs a process in its own process group and captures its output. On
 * timeout the whole group is killed, so background jobs die with it.
 */
export function runCaptured(run: CapturedRun): Promise<ExecResult> {
  const startedAt = performance.now();
  const stdout = new CappedOutput();
  const stderr = new CappedOutput();
  let timedOut = false;

  const child = spawn(run.command, run.args, {
    env: run.env,
    cwd: run.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) run.onSpawn?.(child.pid);
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const drained = [closed(child.stdout), closed(child.stderr)];

  const timeoutMs = Math.min(run.timeoutSeconds * 1000, MAX_TIMER_MS);
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);

  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', async (code, signal) => {
      clearTimeout(timer);
      await Promise.race([Promise.all(drained), delay(OUTPUT_DRAIN_GRACE_MS)]);
      child.stdout.destroy();
      child.stderr.destroy();

      const signalled = signal ? 128 + constants.signals[signal] : 1;
      resolve({
        exitCode: timedOut ? 137 : (code ?? signalled),
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(performance.now() - startedAt),
        timedOut,
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
      });
    });
  });
}

/** SIGKILLs a process group; a group already gone is fine. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Every member has exited already.
  }
}

const closed = (stream: Readable) =>
  new Promise((done) => stream.once('close', done));

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));
