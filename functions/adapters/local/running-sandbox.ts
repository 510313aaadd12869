import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { ValidationError } from '../../../domain/errors.ts';
import type {
  ExecRequest,
  ExecResult,
  SandboxSpec,
} from '../../../domain/ports/sandbox-runtime.ts';
import type { Isolation } from '../../../domain/sandbox/isolation.ts';
import { runCaptured } from './captured-process.ts';
import type { CgroupLayout } from './cgroups.ts';
import { namespaceIsolation } from './isolation-report.ts';
import { namespaceUsage } from './process-usage.ts';
import { type BootedSandbox, bootSandbox } from './sandbox-boot.ts';
import { SandboxCgroups } from './sandbox-cgroups.ts';
import {
  captureInSandbox,
  launchCommand,
  type SandboxTarget,
} from './sandbox-launcher.ts';
import {
  AGENT_FOLDERS,
  assertEnv,
  assertSandboxPath,
  type SandboxDirs,
  sandboxEnv,
} from './sandbox-layout.ts';

// PID 1 gets this long to end on SIGTERM before it is killed.
const STOP_GRACE_MS = 5_000;

/** One sandbox whose PID 1 runs: how to reach it and how to stop it. */
export class RunningSandbox implements SandboxTarget {
  readonly isolation: Isolation;
  /** Execs started and not yet ended, which keep a sandbox from idling. */
  execsInFlight = 0;

  private constructor(
    readonly sandboxId: string,
    private readonly boot: BootedSandbox,
    readonly cgroups: SandboxCgroups | undefined,
  ) {
    this.isolation = namespaceIsolation(cgroups);
  }

  get initPid(): number {
    return this.boot.initPid;
  }

  get mountNamespace(): number {
    return this.boot.mountNamespace;
  }

  get cgroupProcs(): string[] {
    return this.cgroups?.procsFiles ?? [];
  }

  /** Settles once PID 1, and with it every process inside, is gone. */
  get exited(): Promise<void> {
    return this.boot.exited;
  }

  /** Makes the cgroups, then boots PID 1 inside them. */
  static async start(
    spec: SandboxSpec,
    context: { dirs: SandboxDirs; dataDir: string; cgroups?: CgroupLayout },
  ): Promise<RunningSandbox> {
    const { dirs } = context;
    for (const dir of [dirs.upper, dirs.work, dirs.merged]) {
      await mkdir(dir, { recursive: true });
    }
    const cgroups =
      context.cgroups &&
      (await SandboxCgroups.create(context.cgroups, spec.id, spec.resources));

    const boot = await bootSandbox({
      sandboxId: spec.id,
      dataDir: context.dataDir,
      dirs,
      cgroupProcs: cgroups?.procsFiles ?? [],
    }).catch(async (error: unknown) => {
      await cgroups?.remove().catch(() => undefined);
      throw error;
    });
    return new RunningSandbox(spec.id, boot, cgroups);
  }

  /** First start only: the agent's folders, made inside the sandbox. */
  async provisionOnce(dirs: SandboxDirs): Promise<void> {
    if (existsSync(dirs.provisionedMarker)) return;

    const argv = ['mkdir', '-p', '--', ...AGENT_FOLDERS];
    const env = sandboxEnv(this.sandboxId);
    const made = await captureInSandbox(this, { argv, cwd: '/', env });
    if (made.code !== 0) {
      throw new Error(`cannot provision ${this.sandboxId}: ${made.stderr}`);
    }
    await writeFile(dirs.provisionedMarker, '');
  }

  /** Runs `bash -c command` inside, as a process group of its own. */
  async exec(request: ExecRequest): Promise<ExecResult> {
    assertSandboxPath(request.cwd);
    assertEnv(request.env);
    if (!(request.timeoutSeconds > 0)) {
      throw new ValidationError('timeoutSeconds must be positive');
    }

    const env = { ...sandboxEnv(this.sandboxId), ...request.env };
    const argv = ['test', '-d', request.cwd];
    const isDir = await captureInSandbox(this, { argv, cwd: '/', env });
    if (isDir.code !== 0) {
      throw new ValidationError(`cwd ${request.cwd} does not exist`);
    }

    const command = launchCommand(this, {
      argv: ['/bin/bash', '-c', request.command],
      cwd: request.cwd,
      env,
    });
    this.execsInFlight++;
    try {
      return await runCaptured({
        ...command,
        timeoutSeconds: request.timeoutSeconds,
      });
    } finally {
      this.execsInFlight--;
    }
  }

  /** CPU and memory from its cgroups, or from /proc where none counts. */
  async usage(): Promise<{ cpuSeconds: number; memoryBytes: number }> {
    const counted = {
      cpuSeconds: await this.cgroups?.cpuSeconds(),
      memoryBytes: await this.cgroups?.memoryBytes(),
    };
    if (counted.cpuSeconds !== undefined && counted.memoryBytes !== undefined) {
      return counted as { cpuSeconds: number; memoryBytes: number };
    }
    const scanned = await namespaceUsage(this.initPid);
    return {
      cpuSeconds: counted.cpuSeconds ?? scanned.cpuSeconds,
      memoryBytes: counted.memoryBytes ?? scanned.memoryBytes,
    };
  }

  /** Ends PID 1, politely first; its PID namespace takes the rest. */
  async stop(): Promise<void> {
    // Frozen processes cannot act on signals, not even to die.
    if (this.cgroups?.canFreeze) {
      await this.cgroups.thaw().catch(() => undefined);
    }

    this.signalInit('SIGTERM');
    if (!(await settlesWithin(this.exited, STOP_GRACE_MS))) {
      this.signalInit('SIGKILL');
      await this.exited;
    }
  }

  /** Signals PID 1 unless it is gone: its pid may then be someone's. */
  private signalInit(signal: NodeJS.Signals): void {
    const wrapper = this.boot.process;
    if (wrapper.exitCode !== null || wrapper.signalCode !== null) return;

    try {
      process.kill(this.initPid, signal);
    } catch {
      // It exited between the check and the signal.
    }
    if (signal === 'SIGKILL') wrapper.kill('SIGKILL');
  }
}

async function settlesWithin(promise: Promise<void>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return settled;
}
