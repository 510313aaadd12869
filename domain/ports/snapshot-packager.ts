import type { Snapshot } from '../snapshots/snapshot.ts';
import type { ObjectStore } from './object-store.ts';

/** A file of a package, as its manifest lists it. */
export interface PackageFile {
  /** Key below the package, e.g. `objects/ab12…` or `events.jsonl`. */
  key: string;
  bytes: number;
  sha256: string;
}

export type Progress = (bytesDone: number, bytesTotal: number) => void;

/** What a packager put in the package for the snapshots it carried. */
export interface PackedSnapshots {
  /** `local` (data in the package) or `ebs` (CopySnapshot copies). */
  engine: 'local' | 'ebs';
  files: PackageFile[];
  /** The snapshots as the importing side will know them. */
  snapshots: Snapshot[];
  bytesTotal: number;
}

/**
 * Moves snapshot data between regions for export and import: locally
 * into the package itself, on AWS as EBS CopySnapshot copies in the
 * target region that the package names.
 */
export interface SnapshotPackager {
  readonly engine: 'local' | 'ebs';

  pack(input: {
    sandboxId: string;
    snapshots: Snapshot[];
    targetRegion: string;
    /** The package's own store (its keys are below the package). */
    store: ObjectStore;
    onProgress: Progress;
  }): Promise<PackedSnapshots>;

  /**
   * Verifies the package's data against the manifest (sizes, SHA-256)
   * and makes the snapshots a new sandbox's own; throws a
   * ValidationError naming what is missing or corrupt.
   */
  unpack(input: {
    sandboxId: string;
    tenantId: string;
    packed: PackedSnapshots;
    store: ObjectStore;
    onProgress: Progress;
  }): Promise<Snapshot[]>;

  /** Undoes a half-done unpack, so a failed import leaves nothing. */
  discard(sandboxId: string): Promise<void>;
}
