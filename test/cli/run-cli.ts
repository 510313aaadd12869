import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/auteryn.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  /** stdout exactly as written, for binary output. */
  stdoutBytes: Buffer;
  stderr: string;
}

/**
 * Runs `auteryn` as a real child process, as a user's shell would, with
 * `--url` first unless `url` is undefined. `input` is piped to its stdin,
 * which is closed either way.
 */
export function runCli(
  url: string | undefined,
  args: string[],
  options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const urlArgs = url === undefined ? [] : ['--url', url];
  const child = spawn(process.execPath, [BIN, ...urlArgs, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.input);

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const stdoutBytes = Buffer.concat(stdout);
      resolve({
        code,
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
