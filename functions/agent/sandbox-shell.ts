import { realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ValidationError } from '../../domain/errors.ts';
import type {
  ExecRequest,
  ExecResult,
} from '../../domain/ports/sandbox-runtime.ts';
import { runCaptured } from '../adapters/local/captured-process.ts';
import {
  AGENT_HOME,
  assertEnv,
  assertSandboxPath,
  sandboxEnv,
} from '../adapters/local/sandbox-layout.ts';
import {
  CWD_MISSING_EXIT,
  CWD_MISSING_MARKER,
  chrootCommand,
} from './chroot.ts';
import type { ProcessGroups } from './process-groups.ts';

export interface SandboxShellOptions {
  sandboxId: string;
  /** Absolute host path of the sandbox's root file system. */
  root: string;
  /** Enter the root with chroot; otherwise run unisolated in it. */
  chroot: boolean;
  groups: ProcessGroups;
  now?: () => Date;
}

/**
 * Runs exec requests with bash in the sandbox's root, one process group
 * each, and remembers when the last one ran for the idle check.
 */
export class SandboxShell {
  private lastExec: Date | undefined;
  private running = 0;
  private readonly now: () => Date;

  constructor(private readonly options: SandboxShellOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get lastExecAt(): Date | undefined {
    return this.lastExec;
  }

  get activeExecs(): number {
    return this.running;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    assertSandboxPath(request.cwd);
    assertEnv(request.env);
    assertCommand(request.command);

    this.running += 1;
    this.lastExec = this.now();
    try {
      return this.options.chroot
        ? await this.inChroot(request)
        : await this.unisolated(request);
    } finally {
      this.running -= 1;
      this.lastExec = this.now();
      this.options.groups.prune();
    }
  }

  private async inChroot(request: ExecRequest): Promise<ExecResult> {
    const { sandboxId, root, groups } = this.options;
    const launch = {
      argv: ['/bin/bash', '-c', request.command],
      cwd: request.cwd,
      env: { ...sandboxEnv(sandboxId), ...request.env },
    };

    const result = await runCaptured({
      ...chrootCommand(root, launch),
      timeoutSeconds: request.timeoutSeconds,
      onSpawn: (pid) => groups.add(pid),
    });
    const cwdMissing =
      result.exitCode === CWD_MISSING_EXIT &&
      result.stderr.trim() === CWD_MISSING_MARKER;
    if (cwdMissing) throw cwdError(request.cwd);
    return result;
  }

  private async unisolated(request: ExecRequest): Promise<ExecResult> {
    const { sandboxId, root, groups } = this.options;
    const cwd = await directoryInside(root, request.cwd);

    return runCaptured({
      command: '/bin/bash',
      args: ['-c', request.command],
      cwd,
      env: {
        ...sandboxEnv(sandboxId),
        HOME: join(root, AGENT_HOME),
        ...request.env,
      },
      timeoutSeconds: request.timeoutSeconds,
      onSpawn: (pid) => groups.add(pid),
    });
  }
}

/** The real host path of a sandbox folder, refused if it leaves the root. */
async function directoryInside(root: string, path: string): Promise<string> {
  const realRoot = await realpath(root);
  const mapped = join(realRoot, posix.resolve('/', path));
  const real = await realpath(mapped).catch(() => '');
  const inside = real === realRoot || real.startsWith(`${realRoot}/`);
  if (!inside || !(await stat(real)).isDirectory()) throw cwdError(path);
  return real;
}

// The kernel's cap on one argument or environment string, which
// `bash -c COMMAND` is (MAX_ARG_STRLEN in include/uapi/linux/binfmts.h).
const MAX_ARGUMENT_BYTES = 32 * 4096;

/** What exec(2) would refuse, refused as bad input rather than a 500. */
function assertCommand(command: string): void {
  const problem = command.includes('\0')
    ? 'no NUL bytes'
    : Buffer.byteLength(command) >= MAX_ARGUMENT_BYTES
      ? `at most ${MAX_ARGUMENT_BYTES - 1} bytes: put longer scripts in a file`
      : undefined;
  if (problem) {
    throw new ValidationError(`command: ${problem}`, [
      { field: 'command', message: problem },
    ]);
  }
}

const cwdError = (cwd: string) =>
  new ValidationError(`cwd ${cwd} does not exist in the sandbox`, [
    { field: 'cwd', message: 'no such folder in the sandbox' },
  ]);
