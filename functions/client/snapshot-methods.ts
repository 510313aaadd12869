import type { HttpTransport } from './http.ts';
import { sandboxPath, snapshotPath, snapshotsPath } from './paths.ts';
import { TransferMethods } from './transfer-methods.ts';
import type {
  CreateSnapshotRequest,
  FileEntry,
  RestoreRequest,
  Sandbox,
  Snapshot,
  SnapshotDiff,
  SnapshotKind,
} from './types.ts';
import { pollForSnapshot, type WaitOptions } from './wait.ts';

/**
 * The snapshot and time-travel part of AuterynClient, kept apart so that
 * each file has one job (exports and imports come from TransferMethods).
 * AuterynClient extends it and supplies `http`.
 */
export abstract class SnapshotMethods extends TransferMethods {
  protected abstract override readonly http: HttpTransport;

  /**
   * Takes a snapshot now. The platform answers once it completed or
   * failed; should it answer `pending`, see waitForSnapshot.
   */
  createSnapshot(
    id: string,
    input: CreateSnapshotRequest = {},
  ): Promise<Snapshot> {
    return this.http.json({
      method: 'POST',
      path: snapshotsPath(id),
      json: input,
    });
  }

  /** The snapshot history, oldest first, of one kind if `kind` is given. */
  async listSnapshots(
    id: string,
    options: { kind?: SnapshotKind } = {},
  ): Promise<Snapshot[]> {
    const page = await this.http.json<{ items: Snapshot[] }>({
      method: 'GET',
      path: snapshotsPath(id),
      query: { kind: options.kind },
    });
    return page.items;
  }

  getSnapshot(id: string, snapshotId: string): Promise<Snapshot> {
    return this.http.json({
      method: 'GET',
      path: snapshotPath(id, snapshotId),
    });
  }

  async deleteSnapshot(id: string, snapshotId: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: snapshotPath(id, snapshotId),
    });
  }

  /**
   * Restores the sandbox in place to `snapshot` (an id, a name or an
   * ISO-8601 time), only within `paths` when given. What it replaces is
   * kept first as a `pre-restore` snapshot, so a restore can be undone.
   * The sandbox passes through `stopping`; wait for `running` or
   * `stopped` (whichever it was) to see the outcome.
   */
  restore(id: string, request: RestoreRequest): Promise<Sandbox> {
    return this.http.json({
      method: 'POST',
      path: `${sandboxPath(id)}/restore`,
      json: request,
    });
  }

  /** A folder's entries as they were; `/home/agent` when no path is given. */
  async listSnapshotFiles(
    id: string,
    snapshotId: string,
    path?: string,
  ): Promise<FileEntry[]> {
    const page = await this.http.json<{ items: FileEntry[] }>({
      method: 'GET',
      path: `${snapshotPath(id, snapshotId)}/files`,
      query: { path },
    });
    return page.items;
  }

  /** A file's bytes as they were in the snapshot. */
  async readSnapshotFile(
    id: string,
    snapshotId: string,
    path: string,
  ): Promise<Uint8Array> {
    const response = await this.snapshotFileContent(id, snapshotId, path);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** The same bytes as they arrive, for files too big to hold. */
  async readSnapshotFileStream(
    id: string,
    snapshotId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.snapshotFileContent(id, snapshotId, path);
    return response.body ?? new Blob([]).stream();
  }

  /**
   * Paths added, removed and changed from the snapshot to `against`:
   * `live` (the sandbox now, the default) or another snapshot's id.
   */
  diffSnapshot(
    id: string,
    snapshotId: string,
    options: { against?: string } = {},
  ): Promise<SnapshotDiff> {
    return this.http.json({
      method: 'GET',
      path: `${snapshotPath(id, snapshotId)}/diff`,
      query: { against: options.against },
    });
  }

  /**
   * Polls until the snapshot completed or failed and returns it; fails
   * with WaitTimeoutError once `timeoutMs` has passed.
   */
  waitForSnapshot(
    id: string,
    snapshotId: string,
    options: WaitOptions,
  ): Promise<Snapshot> {
    return pollForSnapshot(
      () => this.getSnapshot(id, snapshotId),
      { sandboxId: id, snapshotId },
      options,
    );
  }

  private snapshotFileContent(
    id: string,
    snapshotId: string,
    path: string,
  ): Promise<Response> {
    return this.http.send({
      method: 'GET',
      path: `${snapshotPath(id, snapshotId)}/files/content`,
      query: { path },
    });
  }
}
