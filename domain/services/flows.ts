import { SANDBOX_SIZES } from '../sandbox/sizes.ts';
import type { Sandbox } from '../sandbox/state.ts';
import { newestCompleted } from '../snapshots/snapshot.ts';
import type { LifecycleParts } from './lifecycle.ts';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * The side effects behind each event, one flow per kind of work. Each
 * flow reads the sandbox's state first and acts only if the log still
 * asks for it, so running a flow twice (a retry, the repair pass after a
 * crash) does no harm.
 */
export class SandboxFlows {
  constructor(private readonly parts: LifecycleParts) {}

  async start(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'starting') return;

    const { runtime, handler, log } = this.parts;
    try {
      const isolation = await runtime.start({
        id: sandbox.id,
        image: sandbox.image,
        resources: SANDBOX_SIZES[sandbox.size],
      });
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

  /** Stops the processes, snapshots what changed, then says stopped. */
  async stop(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'stopping' || sandbox.pendingRestore) return;

    await this.parts.runtime.stop(sandboxId);
    await this.snapshotIfChanged(sandbox, 'pre-stop');
    await this.parts.handler.execute(sandboxId, {
      type: 'RecordSandboxStopped',
      data: {},
    });
  }

  async remove(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'deleting') return;

    await this.parts.runtime.destroy(sandboxId);
    if (!sandbox.keepSnapshots) {
      await this.parts.snapshots.deleteAll(sandboxId);
    }
    await this.parts.handler.execute(sandboxId, {
      type: 'RecordSandboxDeleted',
      data: {},
    });
  }

  async releaseName(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'deleted') return;
    await this.parts.names.release(sandbox.tenantId, sandbox.name, sandboxId);
  }

  /** Takes a requested snapshot, then thins the history. */
  async capture(sandboxId: string, snapshotId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    const snapshot = sandbox?.snapshots.find((s) => s.id === snapshotId);
    if (snapshot?.status !== 'pending') return;

    await this.captureNow(sandboxId, snapshotId);
    await this.prune(sandboxId);
  }

  /** Requests and takes an automatic snapshot if anything changed. */
  async autoSnapshot(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'running' || sandbox.pendingRestore) return;
    await this.snapshotIfChanged(sandbox, 'auto');
  }

  async prune(sandboxId: string): Promise<void> {
    await this.parts.handler.execute(sandboxId, {
      type: 'PruneSnapshots',
      data: { now: this.parts.clock.now().toISOString() },
    });
  }

  /**
   * Snapshots what the restore replaces, stops the sandbox, rewrites its
   * layer to the target, and records the outcome. Without its undo
   * snapshot a restore does not go ahead.
   */
  async restore(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    const restore = sandbox?.pendingRestore;
    if (!restore) return;

    const { runtime, snapshots, handler, log } = this.parts;
    try {
      const undo = await this.captureNow(
        sandboxId,
        restore.preRestoreSnapshotId,
      );
      if (!undo) throw new Error('the pre-restore snapshot failed');

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

  /** Removes deleted or pruned snapshots from the store. */
  async forget(sandboxId: string, snapshotIds: string[]): Promise<void> {
    for (const snapshotId of snapshotIds) {
      await this.parts.snapshots.delete(sandboxId, snapshotId);
    }
  }

  /** After a crash: finish what the log says was under way. */
  async settle(sandboxId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    if (!sandbox) return;

    await this.settleSnapshots(sandbox);
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

  /**
   * A snapshot left pending by a crash is complete if its record made it
   * to disk, else failed. A restore's undo snapshot is its flow's own.
   */
  private async settleSnapshots(sandbox: Sandbox): Promise<void> {
    const onDisk = new Set(await this.parts.snapshots.completed(sandbox.id));
    const undo = sandbox.pendingRestore?.preRestoreSnapshotId;
    const pending = sandbox.snapshots.filter(
      (s) => s.status === 'pending' && s.id !== undo,
    );

    for (const snapshot of pending) {
      if (onDisk.has(snapshot.id)) {
        await this.captureNow(sandbox.id, snapshot.id);
        continue;
      }
      await this.parts.handler.execute(sandbox.id, {
        type: 'RecordSnapshotFailed',
        data: {
          snapshotId: snapshot.id,
          error: 'interrupted: the platform stopped while it was taken',
        },
      });
    }
  }

  private async snapshotIfChanged(
    sandbox: Sandbox,
    kind: 'auto' | 'pre-stop',
  ): Promise<void> {
    const since = newestCompleted(sandbox.snapshots)?.id;
    const { snapshots, handler, ids } = this.parts;
    if (!(await snapshots.changedSince(sandbox.id, since))) return;

    const snapshotId = ids.snapshotId();
    await handler.execute(sandbox.id, {
      type: 'RequestSnapshot',
      data: { snapshotId, name: null, kind },
    });
    if (kind === 'pre-stop') await this.captureNow(sandbox.id, snapshotId);
  }

  /** Captures and records the outcome; true when it completed. */
  private async captureNow(
    sandboxId: string,
    snapshotId: string,
  ): Promise<boolean> {
    const { snapshots, handler, log } = this.parts;
    try {
      const stats = await snapshots.capture(sandboxId, snapshotId);
      await handler.execute(sandboxId, {
        type: 'RecordSnapshotCompleted',
        data: { snapshotId, ...stats },
      });
      return true;
    } catch (error) {
      log.error('snapshot failed', { sandboxId, snapshotId, error });
      await handler.execute(sandboxId, {
        type: 'RecordSnapshotFailed',
        data: { snapshotId, error: messageOf(error) },
      });
      return false;
    }
  }

  private async load(sandboxId: string): Promise<Sandbox | undefined> {
    return (await this.parts.handler.load(sandboxId)).state;
  }
}
