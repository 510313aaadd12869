import type { SandboxSpec } from '../ports/sandbox-runtime.ts';
import { SANDBOX_SIZES } from '../sandbox/sizes.ts';
import type { Sandbox } from '../sandbox/state.ts';
import type { LifecycleParts } from './lifecycle-parts.ts';
import { SnapshotFlows } from './snapshot-flows.ts';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * The side effects behind each event, one flow per kind of work. Each
 * flow reads the sandbox's state first and acts only if the log still
 * asks for it, so running a flow twice (a retry, the repair pass after a
 * crash, a duplicate stream delivery) does no harm. A flow that waits on
 * a provider (an EBS snapshot) returns, and the provider's completion
 * event runs it again from where the log says it is.
 */
export class SandboxFlows {
  readonly snapshots: SnapshotFlows;

  constructor(private readonly parts: LifecycleParts) {
    this.snapshots = new SnapshotFlows(parts);
  }

  async start(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'starting') return;

    const { runtime, handler, log } = this.parts;
    try {
      const isolation = await runtime.start(specOf(sandbox));
      await handler.execute(sandboxId, {
        type: 'RecordSandboxStarted',
        data: { isolation },
      });
    } catch (error) {
      log.error('sandbox start failed', { sandboxId, error });
      await runtime.stop(sandboxId).catch(() => undefined);
      await handler.execute(sandboxId, {
        type: 'RecordSandboxStartFailed',
        data: { error: messageOf(error) },
      });
    }
  }

  /**
   * Ends the processes, snapshots what changed, then says stopped. The
   * disk is given up only once a snapshot holds everything on it.
   */
  async stop(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'stopping' || sandbox.pendingRestore) return;

    const { runtime, handler } = this.parts;
    await runtime.stop(sandboxId);
    const snapshot = await this.snapshots.forStop(sandbox);
    if (snapshot === 'started') return;

    if (snapshot !== 'failed') await runtime.discardDisk?.(sandboxId);
    await handler.execute(sandboxId, {
      type: 'RecordSandboxStopped',
      data: {},
    });
  }

  async remove(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'deleting') return;

    const { runtime, snapshots, activity, handler } = this.parts;
    await runtime.destroy(sandboxId);
    if (!sandbox.keepSnapshots) await snapshots.deleteAll(sandboxId);
    await activity.forget(sandboxId);
    await handler.execute(sandboxId, {
      type: 'RecordSandboxDeleted',
      data: {},
    });
  }

  async releaseName(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'deleted') return;
    await this.parts.names.release(sandbox.tenantId, sandbox.name, sandboxId);
  }

  /**
   * Snapshots what the restore replaces, stops the sandbox, rewrites its
   * layer to the target, and records the outcome. Without its undo
   * snapshot a restore does not go ahead.
   */
  async restore(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    const restore = sandbox?.pendingRestore;
    if (!sandbox || !restore) return;

    const { runtime, snapshots, handler, log } = this.parts;
    try {
      const undo = await this.snapshots.forRestore(sandbox);
      if (undo === 'started') return;
      if (undo === 'failed') throw new Error('the pre-restore snapshot failed');

      await runtime.stop(sandboxId);
      const outcome = await snapshots.restore(
        sandboxId,
        restore.snapshotId,
        restore.paths ?? undefined,
      );
      await handler.execute(sandboxId, {
        type: 'RecordSandboxRestored',
        data: outcome,
      });
    } catch (error) {
      log.error('restore failed', { sandboxId, error });
      await handler.execute(sandboxId, {
        type: 'RecordRestoreFailed',
        data: { error: `restore failed: ${messageOf(error)}` },
      });
    }
  }

  /** Goes on with a stop or restore that waited for a snapshot. */
  async resume(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.pendingRestore) return this.restore(sandboxId);
    if (sandbox?.status === 'stopping') return this.stop(sandboxId);
  }

  /** After a crash: finish what the log says was under way. */
  async settle(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (!sandbox) return;

    await this.snapshots.settle(sandbox);
    if (sandbox.pendingRestore) return this.restore(sandboxId);
    switch (sandbox.status) {
      case 'starting':
        return this.start(sandboxId);
      case 'stopping':
        return this.stop(sandboxId);
      case 'deleting':
        return this.remove(sandboxId);
      case 'deleted':
        return this.releaseName(sandboxId);
      default:
        return;
    }
  }

  private async load(sandboxId: string): Promise<Sandbox | undefined> {
    return (await this.parts.handler.load(sandboxId)).state;
  }
}

/** What the runtime needs to boot the sandbox as its log describes it. */
export function specOf(sandbox: Sandbox): SandboxSpec {
  const boot = sandbox.snapshots.find((s) => s.id === sandbox.bootSnapshotId);
  return {
    id: sandbox.id,
    tenantId: sandbox.tenantId,
    image: sandbox.image,
    resources: SANDBOX_SIZES[sandbox.size],
    bootSnapshot: boot
      ? { snapshotId: boot.id, providerId: boot.providerId }
      : null,
    // The same start, retried, carries the same token: no second task.
    startToken: sandbox.version,
  };
}
