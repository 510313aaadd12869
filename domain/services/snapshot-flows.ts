import { ThrottledError } from '../errors.ts';
import { isStartedSnapshot } from '../ports/snapshot-store.ts';
import type { Sandbox } from '../sandbox/state.ts';
import { newestCompleted, type SnapshotKind } from '../snapshots/snapshot.ts';
import type { LifecycleParts } from './lifecycle-parts.ts';

/** How a capture went: done, handed to a provider that will report, or not. */
export type CaptureResult = 'completed' | 'started' | 'failed';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * The side effects of snapshots: capture, the scheduled snapshot, the
 * stop's and the restore's own snapshots, pruning and forgetting. Every
 * method re-reads the sandbox and does only what the log still asks for,
 * so a retry or a duplicate delivery does no harm.
 */
export class SnapshotFlows {
  constructor(private readonly parts: LifecycleParts) {}

  /** Takes a requested manual snapshot, then thins the history. */
  async capture(sandboxId: string, snapshotId: string): Promise<void> {
    const sandbox = await this.load(sandboxId);
    const snapshot = sandbox?.snapshots.find((s) => s.id === snapshotId);
    if (!sandbox || snapshot?.status !== 'pending' || snapshot.providerId) {
      return;
    }

    const result = await this.captureNow(sandbox, snapshotId);
    if (result === 'completed') await this.prune(sandboxId);
  }

  /**
   * The scheduler's snapshot: requested under the slot's id and handed
   * to the store in one go. A throttle leaves it requested and unissued
   * (the scheduler retries the same id); asking again for an id that is
   * issued already does nothing.
   */
  async scheduled(
    sandboxId: string,
    snapshotId: string,
  ): Promise<'issued' | 'skipped'> {
    const sandbox = await this.load(sandboxId);
    if (sandbox?.status !== 'running' || sandbox.pendingRestore) {
      return 'skipped';
    }
    const existing = sandbox.snapshots.find((s) => s.id === snapshotId);
    if (existing && (existing.status !== 'pending' || existing.providerId)) {
      return 'issued';
    }

    if (!existing) {
      await this.parts.handler.execute(sandboxId, {
        type: 'RequestSnapshot',
        data: { snapshotId, name: null, kind: 'auto' },
      });
    }
    const result = await this.captureNow(sandbox, snapshotId, {
      kind: 'auto',
      throttle: 'rethrow',
    });
    if (result === 'completed') await this.prune(sandboxId);
    return 'issued';
  }

  /**
   * The snapshot a stop takes of what changed, once the processes ended.
   * 'none' when nothing changed since the newest completed snapshot;
   * 'started' when a provider is still taking it (its completion event
   * resumes the stop).
   */
  async forStop(sandbox: Sandbox): Promise<CaptureResult | 'none'> {
    const taken = sandbox.snapshots.find(
      (s) => s.id === sandbox.stopSnapshotId,
    );
    if (taken) return this.resume(sandbox, taken);

    const since = newestCompleted(sandbox.snapshots)?.id;
    const { snapshots, handler, ids } = this.parts;
    if (!(await snapshots.changedSince(sandbox.id, since))) return 'none';

    const snapshotId = ids.snapshotId();
    await handler.execute(sandbox.id, {
      type: 'RequestSnapshot',
      data: { snapshotId, name: null, kind: 'pre-stop' },
    });
    return this.captureNow(sandbox, snapshotId, { kind: 'pre-stop' });
  }

  /** The restore's undo snapshot, taken (or awaited) before it acts. */
  async forRestore(sandbox: Sandbox): Promise<CaptureResult> {
    const undoId = sandbox.pendingRestore?.preRestoreSnapshotId;
    const undo = sandbox.snapshots.find((s) => s.id === undoId);
    if (!undo) return 'failed';
    return this.resume(sandbox, undo);
  }

  async prune(sandboxId: string): Promise<void> {
    await this.parts.handler.execute(sandboxId, {
      type: 'PruneSnapshots',
      data: { now: this.parts.clock.now().toISOString() },
    });
  }

  /** Removes deleted or pruned snapshots from the store. */
  async forget(sandboxId: string, snapshotIds: string[]): Promise<void> {
    for (const snapshotId of snapshotIds) {
      await this.parts.snapshots.delete(sandboxId, snapshotId);
    }
  }

  /**
   * After a crash: a snapshot left pending with no provider is complete
   * if the store has it whole, else failed. The stop's and the restore's
   * own snapshots are left to their flows, which resume them.
   */
  async settle(sandbox: Sandbox): Promise<void> {
    const onDisk = new Set(await this.parts.snapshots.completed(sandbox.id));
    const owned = [
      sandbox.pendingRestore?.preRestoreSnapshotId,
      sandbox.stopSnapshotId,
    ];
    const pending = sandbox.snapshots.filter(
      (s) => s.status === 'pending' && !s.providerId && !owned.includes(s.id),
    );

    for (const snapshot of pending) {
      if (onDisk.has(snapshot.id)) {
        await this.captureNow(sandbox, snapshot.id);
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

  private resume(
    sandbox: Sandbox,
    snapshot: Sandbox['snapshots'][number],
  ): Promise<CaptureResult> | CaptureResult {
    if (snapshot.status === 'completed') return 'completed';
    if (snapshot.status === 'failed') return 'failed';
    if (snapshot.providerId) return 'started';
    return this.captureNow(sandbox, snapshot.id);
  }

  /** Captures and records the outcome in the log. */
  private async captureNow(
    sandbox: Sandbox,
    snapshotId: string,
    options: { kind?: SnapshotKind; throttle?: 'rethrow' | 'fail' } = {},
  ): Promise<CaptureResult> {
    const { snapshots, handler, log } = this.parts;
    const sandboxId = sandbox.id;
    // A request made by this very flow is not in `sandbox` yet: it says.
    const kind =
      options.kind ??
      sandbox.snapshots.find((s) => s.id === snapshotId)?.kind ??
      'manual';
    try {
      const outcome = await snapshots.capture(sandboxId, snapshotId, {
        tenantId: sandbox.tenantId,
        kind,
      });
      if (isStartedSnapshot(outcome)) {
        await handler.execute(sandboxId, {
          type: 'RecordSnapshotStarted',
          data: { snapshotId, providerId: outcome.providerId },
        });
        return 'started';
      }
      await handler.execute(sandboxId, {
        type: 'RecordSnapshotCompleted',
        data: { snapshotId, ...outcome },
      });
      return 'completed';
    } catch (error) {
      if (error instanceof ThrottledError && options.throttle === 'rethrow') {
        throw error;
      }
      log.error('snapshot failed', { sandboxId, snapshotId, error });
      await handler.execute(sandboxId, {
        type: 'RecordSnapshotFailed',
        data: { snapshotId, error: messageOf(error) },
      });
      return 'failed';
    }
  }

  private async load(sandboxId: string): Promise<Sandbox | undefined> {
    return (await this.parts.handler.load(sandboxId)).state;
  }
}
