import {
  IllegalStateError,
  NotFoundError,
  UnsupportedError,
} from '../../../domain/errors.ts';
import type { FileEntry } from '../../../domain/ports/sandbox-runtime.ts';
import type {
  RestoreStats,
  SnapshotDiff,
  SnapshotLabels,
  SnapshotStore,
  StartedSnapshot,
} from '../../../domain/ports/snapshot-store.ts';
import type { DynamoDBActivityStore } from './dynamodb-activity-store.ts';
import type { Ec2SnapshotGateway } from './ec2-snapshot-gateway.ts';
import type { EcsSandboxRuntime } from './ecs-sandbox-runtime.ts';
import type { EcsTaskRunner } from './ecs-task-runner.ts';

const BROWSING_IS_LOCAL =
  "browsing a snapshot's files needs the local snapshot engine; on AWS " +
  'restore the whole snapshot, or export the sandbox and import it into ' +
  'a local platform to browse it';

/**
 * Snapshots as EBS snapshots of the sandbox's volume. A capture hands the
 * volume to CreateSnapshot and answers `started`: completion arrives as
 * an "EBS Snapshot Notification" (or through the reconciler). A restore
 * of the whole sandbox needs no copying: its next start builds the volume
 * from the restored snapshot, so restore only discards the old volume.
 */
export class EbsSnapshotStore implements SnapshotStore {
  constructor(
    private readonly gateway: Ec2SnapshotGateway,
    private readonly runner: EcsTaskRunner,
    private readonly runtime: EcsSandboxRuntime,
    private readonly marks: DynamoDBActivityStore,
  ) {}

  async capture(
    sandboxId: string,
    snapshotId: string,
    labels?: SnapshotLabels,
  ): Promise<StartedSnapshot> {
    const volumeId = await this.runner.findVolume(sandboxId);
    if (!volumeId) {
      throw new IllegalStateError(
        `sandbox ${sandboxId} has no EBS volume to snapshot`,
      );
    }

    const mark = await this.runtime.writeMark(sandboxId);
    const { providerId } = await this.gateway.create({
      volumeId,
      sandboxId,
      snapshotId,
      tenantId: labels?.tenantId ?? 'unknown',
      kind: labels?.kind ?? 'manual',
    });
    if (mark && mark.bytesWritten !== null) {
      await this.marks.saveWriteMark(sandboxId, {
        snapshotId,
        bytesWritten: mark.bytesWritten,
        since: mark.since,
      });
    }
    return { started: true, providerId };
  }

  /**
   * From the agent's write counter, at no EC2 cost. Whenever it cannot be
   * sure (no agent, no counter, another snapshot or boot since the mark)
   * it answers changed: an extra incremental snapshot is cheap, a missed
   * one loses work.
   */
  async changedSince(sandboxId: string, snapshotId?: string) {
    if (!snapshotId) return true;
    const now = await this.runtime.writeMark(sandboxId);
    const then = await this.marks.writeMark(sandboxId);
    if (!now || now.bytesWritten === null || !then) return true;
    if (then.snapshotId !== snapshotId || then.since !== now.since) {
      return true;
    }
    return now.bytesWritten !== then.bytesWritten;
  }

  async restore(
    sandboxId: string,
    _snapshotId: string,
    paths?: readonly string[],
  ): Promise<RestoreStats> {
    if (paths) {
      throw new UnsupportedError(
        'restoring single paths needs the local snapshot engine; on AWS ' +
          'restore the whole snapshot',
      );
    }
    await this.runtime.discardDisk(sandboxId);
    return { rewritten: 0, bytesWritten: 0 };
  }

  async list(): Promise<FileEntry[]> {
    throw new UnsupportedError(BROWSING_IS_LOCAL);
  }

  async read(): Promise<ReadableStream<Uint8Array>> {
    throw new UnsupportedError(BROWSING_IS_LOCAL);
  }

  async diff(): Promise<SnapshotDiff> {
    throw new UnsupportedError(BROWSING_IS_LOCAL);
  }

  async delete(sandboxId: string, snapshotId: string): Promise<void> {
    const found = await this.gateway.listForSandbox(sandboxId);
    const mine = found.filter((s) => s.snapshotId === snapshotId);
    for (const snapshot of mine) await this.gateway.delete(snapshot.providerId);
  }

  async deleteAll(sandboxId: string): Promise<void> {
    for (const snapshot of await this.gateway.listForSandbox(sandboxId)) {
      await this.gateway.delete(snapshot.providerId);
    }
  }

  async completed(sandboxId: string): Promise<string[]> {
    const found = await this.gateway.listForSandbox(sandboxId);
    return found
      .filter((s) => s.state === 'completed' && s.snapshotId)
      .map((s) => s.snapshotId as string);
  }

  /** The platform's ids of an EBS snapshot, from its tags. */
  async lookup(providerId: string) {
    const [snapshot] = await this.gateway.describe([providerId]);
    if (!snapshot?.sandboxId || !snapshot.snapshotId) {
      throw new NotFoundError(`EBS snapshot ${providerId} is not managed`);
    }
    return snapshot;
  }
}
