import { type ChildProcess, spawn } from 'node:child_process';
import { launcherProgram, PERL } from './perl-programs.ts';
import { HOST_ENV } from './sandbox-layout.ts';

/** What it takes to run a process inside a running sandbox. */
export interface SandboxTarget {
  initPid: number;
  mountNamespace: number;
  cgroupProcs: readonly string[];
}

export interface Launch {
  argv: string[];
  /** Absolute path inside the sandbox. */
  cwd: string;
  /** The whole environment of the command. */
  env: Record<string, string>;
}

/**
 * The host command that joins the sandbox's cgroups and namespaces,
 * drops capabilities and runs `argv` there. The environment travels as
 * arguments: in the host process it could inject code (LD_PRELOAD).
 */
export function launchCommand(target: SandboxTarget, launch: Launch) {
  const pairs = Object.entries(launch.env).map(([k, v]) => `${k}=${v}`);
  const args = [
    '-e',
    launcherProgram(),
    String(target.initPid),
    String(target.mountNamespace),
    launch.cwd,
    String(target.cgroupProcs.length),
    ...target.cgroupProcs,
    String(pairs.length),
    ...pairs,
    ...launch.argv,
  ];
  return { command: PERL, args, env: HOST_ENV };
}

/**
 * Starts a launch inside one sandbox, in a process group of its own: the
 * namespaces locally, a chroot in the sandbox agent on AWS.
 */
export type SandboxSpawner = (
  sandboxId: string,
  launch: Launch,
  stdin: 'ignore' | 'pipe',
) => ChildProcess;

/** Starts `argv` in the sandbox, in a process group of its own. */
export function spawnInSandbox(
  target: SandboxTarget,
  launch: Launch,
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const { command, args, env } = launchCommand(target, launch);
  return spawn(command, args, {
    env,
    detached: true,
    stdio: [stdin, 'pipe', 'pipe'],
  });
}

export interface Captured {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs a short command in the sandbox and collects its output. */
export function captureInSandbox(
  target: SandboxTarget,
  launch: Launch,
): Promise<Captured> {
  return captureChild(spawnInSandbox(target, launch));
}

/** Collects a short-lived child's output and exit code. */
export function captureChild(child: ChildProcess): Promise<Captured> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString('utf8').trim(),
      }),
    );
  });
}
