import type { SnapshotKind } from '../snapshots/snapshot.ts';
import type { FileEntry } from './sandbox-runtime.ts';

/** What a completed snapshot holds and what it cost. */
export interface SnapshotStats {
  /** Bytes of file content the snapshot refers to (its logical size). */
  sizeBytes: number;
  /** Bytes this snapshot had to store anew (what changed). */
  changedBytes: number;
  /** Entries (files, folders, links, whiteouts) in the snapshot. */
  fileCount: number;
}

/**
 * A snapshot the provider accepted but has not finished (an EBS snapshot
 * while it is `pending`); its completion arrives later as an event.
 */
export interface StartedSnapshot {
  started: true;
  /** The provider's id for it, e.g. an EBS `snap-0…`. */
  providerId: string;
}

export const isStartedSnapshot = (
  outcome: SnapshotStats | StartedSnapshot,
): outcome is StartedSnapshot => 'started' in outcome;

/** What a provider may tag a snapshot with (EBS tags). */
export interface SnapshotLabels {
  tenantId: string;
  kind: SnapshotKind;
}

export interface SnapshotDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface RestoreStats {
  /** Entries rewritten, created or removed to match the snapshot. */
  rewritten: number;
  bytesWritten: number;
}

/**
 * Snapshots of a sandbox's own file system layer (what it changed over
 * its image). Locally a content-addressed store beside the overlay; on
 * AWS, EBS snapshots of the sandbox's volume.
 *
 * Every snapshot is whole or absent: a crash during `capture` leaves no
 * trace that `completed` reports. Paths are absolute inside the sandbox.
 */
export interface SnapshotStore {
  /**
   * Captures the sandbox as `snapshotId`, pausing its processes while it
   * reads so the snapshot is one moment. Capturing an id that is already
   * complete returns its stats again; one that a provider is still
   * taking answers `started` again, never a second snapshot. Fails with
   * ThrottledError when the provider's rate limit refuses the call.
   */
  capture(
    sandboxId: string,
    snapshotId: string,
    labels?: SnapshotLabels,
  ): Promise<SnapshotStats | StartedSnapshot>;

  /** Whether the sandbox changed since the snapshot (none: since ever). */
  changedSince(sandboxId: string, snapshotId?: string): Promise<boolean>;

  /**
   * Makes the stopped sandbox's layer equal to the snapshot's, within
   * `paths` when given, rewriting only what differs.
   */
  restore(
    sandboxId: string,
    snapshotId: string,
    paths?: readonly string[],
  ): Promise<RestoreStats>;

  /** A folder as it was, the sandbox's layer merged over its image. */
  list(
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<FileEntry[]>;
  read(
    sandboxId: string,
    snapshotId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>>;

  /** Paths that differ from `from` to `to` (a snapshot id or `live`). */
  diff(sandboxId: string, from: string, to: string): Promise<SnapshotDiff>;

  delete(sandboxId: string, snapshotId: string): Promise<void>;
  deleteAll(sandboxId: string): Promise<void>;

  /** Ids of the snapshots that are complete on disk. */
  completed(sandboxId: string): Promise<string[]>;
}
