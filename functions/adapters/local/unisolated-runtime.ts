import { stat as hostStat, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { IllegalStateError, ValidationError } from '../../../domain/errors.ts';
import type { Log } from '../../../domain/ports/log.ts';
import type {
  ExecRequest,
  ExecResult,
  SandboxRuntime,
  SandboxSpec,
  SandboxUsage,
} from '../../../domain/ports/sandbox-runtime.ts';
import type { Isolation } from '../../../domain/sandbox/isolation.ts';
import { killGroup, runCaptured } from './captured-process.ts';
import { noIsolation } from './isolation-report.ts';
import { diskBytes, NOT_RUNNING, processGroupUsage } from './process-usage.ts';
import {
  AGENT_FOLDERS,
  AGENT_HOME,
  assertEnv,
  assertImage,
  assertSandboxId,
  assertSandboxPath,
  LOCAL_IMAGES,
  prepareDataDir,
  sandboxDirs,
  sandboxEnv,
  silentLog,
} from './sandbox-layout.ts';
import { UnisolatedFiles } from './unisolated-files.ts';

export interface UnisolatedRuntimeOptions {
  /** Absolute; each sandbox's files live in `<dataDir>/sandboxes/<id>/root`. */
  dataDir: string;
  /** Why namespaces are not available, shown in every warning. */
  reason: string;
  /** Defaults to logging nothing. */
  logger?: Log;
}

/**
 * The fallback when the host cannot make namespaces: commands run on the
 * host as the platform's user, in a folder standing for the sandbox's
 * root. It keeps the API working on a laptop; it contains nothing, and
 * says so in its isolation report and in the log.
 */
export class UnisolatedRuntime implements SandboxRuntime {
  readonly images = LOCAL_IMAGES;
  readonly hostIsolation: Isolation;
  readonly files: UnisolatedFiles;
  private readonly dataDir: string;
  private readonly log: Log;
  /** Process groups each running sandbox started, killed on stop. */
  private readonly running = new Map<string, Set<number>>();
  private readonly execsInFlight = new Map<string, number>();

  constructor(options: UnisolatedRuntimeOptions) {
    this.dataDir = prepareDataDir(options.dataDir);
    this.log = options.logger ?? silentLog;
    this.hostIsolation = noIsolation(options.reason);
    this.files = new UnisolatedFiles((id) => this.rootOf(id));
    this.log.warn('sandboxes are not isolated', {
      reason: options.reason,
      warnings: this.hostIsolation.warnings,
    });
  }

  async start(spec: SandboxSpec): Promise<Isolation> {
    assertSandboxId(spec.id);
    assertImage(spec.image);
    if (this.running.has(spec.id)) return this.hostIsolation;

    for (const folder of AGENT_FOLDERS) {
      await mkdir(join(this.rootDir(spec.id), folder), { recursive: true });
    }
    this.running.set(spec.id, new Set());
    this.log.warn('sandbox started without isolation', { sandboxId: spec.id });
    return this.hostIsolation;
  }

  async stop(sandboxId: string): Promise<void> {
    for (const group of this.running.get(sandboxId) ?? []) killGroup(group);
    this.running.delete(sandboxId);
  }

  async destroy(sandboxId: string): Promise<void> {
    assertSandboxId(sandboxId);
    await this.stop(sandboxId);
    await rm(sandboxDirs(this.dataDir, sandboxId).root, {
      recursive: true,
      force: true,
    });
  }

  async isRunning(sandboxId: string): Promise<boolean> {
    return this.running.has(sandboxId);
  }

  async exec(sandboxId: string, request: ExecRequest): Promise<ExecResult> {
    const groups = this.running.get(sandboxId);
    if (!groups) {
      throw new IllegalStateError(`sandbox ${sandboxId} is not running`);
    }
    assertSandboxPath(request.cwd);
    assertEnv(request.env);

    const cwd = this.hostPath(sandboxId, request.cwd);
    const isDir = await hostStat(cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new ValidationError(`cwd ${request.cwd} does not exist`);

    const home = this.hostPath(sandboxId, AGENT_HOME);
    this.countExec(sandboxId, +1);
    try {
      return await runCaptured({
        command: '/bin/bash',
        args: ['-c', request.command],
        cwd,
        env: { ...sandboxEnv(sandboxId), HOME: home, ...request.env },
        timeoutSeconds: request.timeoutSeconds,
        onSpawn: (pid) => groups.add(pid),
      });
    } finally {
      this.countExec(sandboxId, -1);
    }
  }

  async usage(sandboxId: string): Promise<SandboxUsage> {
    assertSandboxId(sandboxId);
    const disk = await diskBytes(this.rootDir(sandboxId));
    const groups = this.running.get(sandboxId);
    if (!groups) return { ...NOT_RUNNING, diskBytes: disk };

    return {
      running: true,
      ...(await processGroupUsage(groups)),
      diskBytes: disk,
      execsInFlight: this.execsInFlight.get(sandboxId) ?? 0,
    };
  }

  private countExec(sandboxId: string, change: number): void {
    const count = (this.execsInFlight.get(sandboxId) ?? 0) + change;
    this.execsInFlight.set(sandboxId, Math.max(0, count));
  }

  async close(): Promise<void> {
    for (const sandboxId of [...this.running.keys()]) {
      await this.stop(sandboxId);
    }
  }

  private rootDir(sandboxId: string): string {
    return join(sandboxDirs(this.dataDir, sandboxId).root, 'root');
  }

  private rootOf(sandboxId: string): string {
    if (!this.running.has(sandboxId)) {
      throw new IllegalStateError(`sandbox ${sandboxId} is not running`);
    }
    return this.rootDir(sandboxId);
  }

  private hostPath(sandboxId: string, path: string): string {
    return join(this.rootOf(sandboxId), posix.resolve('/', path));
  }
}
