import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { INIT_SCRIPT, JOIN_CGROUPS_SCRIPT } from './init-script.ts';
import { initProgram } from './perl-programs.ts';
import { HOST_ENV, type SandboxDirs } from './sandbox-layout.ts';

const READY_TIMEOUT_MS = 30_000;

/** A booted sandbox: its PID 1 as the host sees it. */
export interface BootedSandbox {
  /** The wrapper process; it exits when the sandbox's PID 1 does. */
  process: ChildProcess;
  exited: Promise<void>;
  initPid: number;
  /** Inode of the mount namespace, to tell a recycled pid apart. */
  mountNamespace: number;
}

export interface BootOptions {
  sandboxId: string;
  dataDir: string;
  dirs: SandboxDirs;
  cgroupProcs: string[];
}

/**
 * Starts the sandbox's PID 1 in new namespaces and waits until it says
 * it is ready. The host kills it if the platform dies (pdeathsig), and
 * PID 1 dying takes every process of the sandbox with it.
 */
export async function bootSandbox(
  options: BootOptions,
): Promise<BootedSandbox> {
  const { dirs } = options;
  const child = spawn(
    'sh',
    [
      '-c',
      JOIN_CGROUPS_SCRIPT,
      'join-cgroups',
      ...options.cgroupProcs,
      '--',
      'setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      'unshare',
      '--mount',
      '--pid',
      '--ipc',
      '--uts',
      '--fork',
      '--kill-child',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      INIT_SCRIPT,
      'init',
      dirs.upper,
      dirs.work,
      dirs.merged,
      options.dataDir,
      options.sandboxId,
      initProgram(),
    ],
    { env: HOST_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((done) => child.once('close', () => done()));

  await readySignal(child, options.sandboxId);
  try {
    const initPid = await initPidOf(child);
    const namespace = await stat(`/proc/${initPid}/ns/mnt`);
    return { process: child, exited, initPid, mountNamespace: namespace.ino };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function readySignal(child: ChildProcess, sandboxId: string): Promise<void> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`sandbox ${sandboxId} failed to start: ${reason}`));
    };
    const onError = (error: Error) => fail(error.message);
    const onExit = () => fail(stderr.trim() || 'its init exited');
    const timer = setTimeout(() => fail('not ready in time'), READY_TIMEOUT_MS);

    child.once('error', onError);
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('ready\n')) return;

      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      for (const stream of [child.stdout, child.stderr]) {
        stream?.removeAllListeners('data');
        stream?.resume();
      }
      resolve();
    });
  });
}

/** unshare forks the sandbox's PID 1: its only child. */
async function initPidOf(child: ChildProcess): Promise<number> {
  const pid = child.pid;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  const initPid = Number.parseInt(children.trim(), 10);
  if (!Number.isInteger(initPid)) {
    throw new Error(`no init process under ${pid}`);
  }
  return initPid;
}
