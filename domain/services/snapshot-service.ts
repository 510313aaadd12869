import { NotFoundError } from '../errors.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { FileEntry } from '../ports/sandbox-runtime.ts';
import type { SnapshotDiff, SnapshotStore } from '../ports/snapshot-store.ts';
import type { Sandbox } from '../sandbox/state.ts';
import type { Snapshot, SnapshotKind } from '../snapshots/snapshot.ts';
import { resolveSnapshot } from '../snapshots/time-travel.ts';
import type { SandboxService } from './sandbox-service.ts';

export interface RestoreRequest {
  /** A snapshot id, a snapshot name or an ISO-8601 time. */
  snapshot: string;
  /** Absolute paths to restore; all of the sandbox when absent. */
  paths?: string[];
}

/** Snapshots, restores and browsing history, per tenant. */
export class SnapshotService {
  constructor(
    private readonly sandboxes: SandboxService,
    private readonly store: SnapshotStore,
    private readonly ids: Pick<IdGenerator, 'snapshotId'>,
  ) {}

  async list(
    tenantId: string,
    sandboxId: string,
    kind?: SnapshotKind,
  ): Promise<Snapshot[]> {
    const { snapshots } = await this.sandboxes.get(tenantId, sandboxId);
    return kind ? snapshots.filter((s) => s.kind === kind) : snapshots;
  }

  async get(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
  ): Promise<Snapshot> {
    const { snapshots } = await this.sandboxes.get(tenantId, sandboxId);
    const snapshot = snapshots.find((s) => s.id === snapshotId);
    if (!snapshot) {
      throw new NotFoundError(
        `no snapshot ${snapshotId} of sandbox ${sandboxId}`,
      );
    }
    return snapshot;
  }

  async create(
    tenantId: string,
    sandboxId: string,
    name?: string,
  ): Promise<Snapshot> {
    const snapshotId = this.ids.snapshotId();
    await this.sandboxes.command(tenantId, sandboxId, {
      type: 'RequestSnapshot',
      data: { snapshotId, name: name ?? null, kind: 'manual' },
    });
    return this.get(tenantId, sandboxId, snapshotId);
  }

  async delete(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
  ): Promise<void> {
    await this.sandboxes.command(tenantId, sandboxId, {
      type: 'DeleteSnapshot',
      data: { snapshotId },
    });
  }

  restore(
    tenantId: string,
    sandboxId: string,
    request: RestoreRequest,
  ): Promise<Sandbox> {
    return this.sandboxes.command(tenantId, sandboxId, {
      type: 'RestoreSandbox',
      data: {
        snapshot: request.snapshot,
        paths: request.paths ?? null,
        preRestoreSnapshotId: this.ids.snapshotId(),
      },
    });
  }

  async listFiles(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<FileEntry[]> {
    const snapshot = await this.completed(tenantId, sandboxId, snapshotId);
    return this.store.list(sandboxId, snapshot.id, path);
  }

  async readFile(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    const snapshot = await this.completed(tenantId, sandboxId, snapshotId);
    return this.store.read(sandboxId, snapshot.id, path);
  }

  /** What changed from a snapshot to another one, or to the live files. */
  async diff(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
    against: string,
  ): Promise<SnapshotDiff> {
    const from = await this.completed(tenantId, sandboxId, snapshotId);
    const to =
      against === 'live'
        ? 'live'
        : (await this.completed(tenantId, sandboxId, against)).id;
    return this.store.diff(sandboxId, from.id, to);
  }

  private async completed(
    tenantId: string,
    sandboxId: string,
    snapshotId: string,
  ): Promise<Snapshot> {
    await this.get(tenantId, sandboxId, snapshotId);
    const { snapshots } = await this.sandboxes.get(tenantId, sandboxId);
    return resolveSnapshot(snapshots, snapshotId);
  }
}
