import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

/** The tools this benchmark runs, and the Debian package of each. */
const TOOLS = {
  cp: 'coreutils',
  du: 'coreutils',
  sync: 'coreutils',
  diff: 'diffutils',
  rsync: 'rsync',
  restic: 'restic',
} as const;

// Only a benchmark's repository: nothing secret is kept in it.
const RESTIC_PASSWORD = 'auteryn-bench';

/** The commands missing from PATH, each with the package to install. */
export function missingTools(): { command: string; pkg: string }[] {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const found = (command: string) =>
    dirs.some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return Object.entries(TOOLS)
    .filter(([command]) => !found(command))
    .map(([command, pkg]) => ({ command, pkg }));
}

/** Runs a command to its end; its stdout, or its stderr in the error. */
export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const child = spawn(command, args, {
    env: { ...env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString());
      const reason = Buffer.concat(stderr).toString().trim().slice(0, 2000);
      reject(new Error(`${command} ${args.join(' ')} failed: ${reason}`));
    });
  });
}

/** A full copy that keeps everything `cp` can keep. */
export const cpCopy = (from: string, to: string) => run('cp', ['-a', from, to]);

/** `rsync -a`, hard-linking unchanged files to `linkDest` when given. */
export const rsyncCopy = (from: string, to: string, linkDest?: string) =>
  run('rsync', [
    '-a',
    ...(linkDest ? [`--link-dest=${linkDest}`] : []),
    `${from}/`,
    `${to}/`,
  ]);

/** Writes every dirty page out, so no step pays for the one before. */
export const flushDisk = () => run('sync', []);

/** Bytes the path takes on disk, each hard-linked inode counted once. */
export async function diskUsage(path: string): Promise<number> {
  const output = await run('du', ['-sB1', path]);
  return Number.parseInt(output, 10);
}

/** Fails unless the two trees hold the same names, types and contents. */
export async function assertSameTree(a: string, b: string): Promise<void> {
  await run('diff', ['-r', '--no-dereference', a, b]);
}

/** A restic repository of its own, with its cache beside it. */
export class ResticRepository {
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly dir: string) {
    this.env = {
      ...process.env,
      RESTIC_REPOSITORY: dir,
      RESTIC_PASSWORD,
      RESTIC_CACHE_DIR: `${dir}-cache`,
    };
  }

  async init(): Promise<void> {
    await run('restic', ['init', '--quiet'], this.env);
  }

  /** One backup; restic finds the last one of the same path itself. */
  async backup(path: string): Promise<void> {
    await run(
      'restic',
      ['backup', '--quiet', '--host', 'bench', path],
      this.env,
    );
  }
}
