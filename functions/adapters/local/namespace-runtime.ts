import { rm } from 'node:fs/promises';
import { IllegalStateError } from '../../../domain/errors.ts';
import type { Log } from '../../../domain/ports/log.ts';
import type {
  ExecRequest,
  ExecResult,
  SandboxRuntime,
  SandboxSpec,
  SandboxUsage,
} from '../../../domain/ports/sandbox-runtime.ts';
import type { Isolation } from '../../../domain/sandbox/isolation.ts';
import { type CgroupLayout, detectCgroupLayout } from './cgroups.ts';
import { namespaceIsolation } from './isolation-report.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { assertNoMountsUnder } from './mounts.ts';
import { NamespaceFiles } from './namespace-files.ts';
import { diskBytes, NOT_RUNNING } from './process-usage.ts';
import { RunningSandbox } from './running-sandbox.ts';
import { SandboxCgroups } from './sandbox-cgroups.ts';
import { spawnInSandbox } from './sandbox-launcher.ts';
import {
  assertImage,
  assertSandboxId,
  LOCAL_IMAGES,
  prepareDataDir,
  sandboxDirs,
  silentLog,
} from './sandbox-layout.ts';

export interface NamespaceRuntimeOptions {
  /** Absolute; each sandbox lives in `<dataDir>/sandboxes/<id>`. */
  dataDir: string;
  /** Defaults to logging nothing. */
  logger?: Log;
}

/**
 * Sandboxes as Linux namespaces over an overlay of the host's root. The
 * overlay's upper layer under the data directory is the sandbox's whole
 * persistent state; a running sandbox is a PID 1 held in memory, so after
 * a platform restart nothing runs until `start` is called again.
 */
export class NamespaceRuntime implements SandboxRuntime {
  readonly images = LOCAL_IMAGES;
  readonly hostIsolation: Isolation;
  readonly files: NamespaceFiles;
  private readonly dataDir: string;
  private readonly log: Log;
  private readonly cgroupLayout: CgroupLayout | undefined;
  private readonly running = new Map<string, RunningSandbox>();
  private readonly lifecycle = new KeyedMutex();

  constructor(options: NamespaceRuntimeOptions) {
    this.dataDir = prepareDataDir(options.dataDir);
    this.log = options.logger ?? silentLog;
    this.cgroupLayout = detectCgroupLayout();
    const controllers = this.cgroupLayout?.controllers ?? [];
    this.hostIsolation = namespaceIsolation(
      this.cgroupLayout && {
        version: this.cgroupLayout.version,
        enforced: {
          cpu: controllers.includes('cpu'),
          memory: controllers.includes('memory'),
        },
      },
    );
    this.files = new NamespaceFiles((sandboxId, launch, stdin) =>
      spawnInSandbox(this.require(sandboxId), launch, stdin),
    );
  }

  async start(spec: SandboxSpec): Promise<Isolation> {
    assertSandboxId(spec.id);
    assertImage(spec.image);
    return this.lifecycle.run(spec.id, () => this.startNow(spec));
  }

  async stop(sandboxId: string): Promise<void> {
    assertSandboxId(sandboxId);
    return this.lifecycle.run(sandboxId, () => this.stopNow(sandboxId));
  }

  async destroy(sandboxId: string): Promise<void> {
    assertSandboxId(sandboxId);
    return this.lifecycle.run(sandboxId, async () => {
      await this.stopNow(sandboxId);
      if (this.cgroupLayout) {
        await SandboxCgroups.removeLeftovers(this.cgroupLayout, sandboxId);
      }

      // rm must never walk into a mount and delete what lies beneath it.
      const { root } = sandboxDirs(this.dataDir, sandboxId);
      await assertNoMountsUnder(root);
      await rm(root, { recursive: true, force: true });
      this.log.info('sandbox destroyed', { sandboxId });
    });
  }

  async isRunning(sandboxId: string): Promise<boolean> {
    return this.running.has(sandboxId);
  }

  async exec(sandboxId: string, request: ExecRequest): Promise<ExecResult> {
    return this.require(sandboxId).exec(request);
  }

  async usage(sandboxId: string): Promise<SandboxUsage> {
    assertSandboxId(sandboxId);
    const disk = await diskBytes(sandboxDirs(this.dataDir, sandboxId).upper);
    const sandbox = this.running.get(sandboxId);
    if (!sandbox) return { ...NOT_RUNNING, diskBytes: disk };

    return {
      running: true,
      ...(await sandbox.usage()),
      diskBytes: disk,
      execsInFlight: sandbox.execsInFlight,
    };
  }

  /** Freezes every process of the sandbox, e.g. for a consistent copy. */
  async pause(sandboxId: string): Promise<void> {
    await this.freezer(sandboxId).freeze();
    this.log.info('sandbox paused', { sandboxId });
  }

  async resume(sandboxId: string): Promise<void> {
    await this.freezer(sandboxId).thaw();
    this.log.info('sandbox resumed', { sandboxId });
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private async startNow(spec: SandboxSpec): Promise<Isolation> {
    const current = this.running.get(spec.id);
    if (current) return current.isolation;

    const dirs = sandboxDirs(this.dataDir, spec.id);
    const sandbox = await RunningSandbox.start(spec, {
      dirs,
      dataDir: this.dataDir,
      cgroups: this.cgroupLayout,
    });
    this.running.set(spec.id, sandbox);
    void sandbox.exited.then(() => this.onInitExit(spec.id, sandbox));

    await sandbox.provisionOnce(dirs).catch(async (error: unknown) => {
      await this.stopNow(spec.id);
      throw error;
    });
    this.log.info('sandbox started', { sandboxId: spec.id });
    return sandbox.isolation;
  }

  private async stopNow(sandboxId: string): Promise<void> {
    const sandbox = this.running.get(sandboxId);
    if (!sandbox) return;
    this.running.delete(sandboxId);

    await sandbox.stop();
    await this.removeCgroups(sandbox);
    this.log.info('sandbox stopped', { sandboxId });
  }

  private async onInitExit(sandboxId: string, sandbox: RunningSandbox) {
    if (this.running.get(sandboxId) !== sandbox) return;
    this.running.delete(sandboxId);

    this.log.warn('sandbox init exited', { sandboxId });
    await this.removeCgroups(sandbox);
  }

  private async removeCgroups({ sandboxId, cgroups }: RunningSandbox) {
    await cgroups?.remove().catch((error: unknown) => {
      this.log.warn('cgroup not removed', { sandboxId, error });
    });
  }

  private require(sandboxId: string): RunningSandbox {
    const sandbox = this.running.get(sandboxId);
    if (!sandbox) {
      throw new IllegalStateError(`sandbox ${sandboxId} is not running`);
    }
    return sandbox;
  }

  private freezer(sandboxId: string): SandboxCgroups {
    const cgroups = this.require(sandboxId).cgroups;
    if (!cgroups?.canFreeze) {
      throw new IllegalStateError(
        `sandbox ${sandboxId} cannot be paused: no freezer cgroup`,
      );
    }
    return cgroups;
  }
}
