import type { Snapshot as Ec2Snapshot, Tag } from '@aws-sdk/client-ec2';
import type { SnapshotKind } from '../../../domain/snapshots/snapshot.ts';

/** Tags on every EBS snapshot and volume the platform manages. */
export const TAGS = {
  sandboxId: 'auteryn:sandbox-id',
  snapshotId: 'auteryn:snapshot-id',
  tenant: 'auteryn:tenant',
  kind: 'auteryn:kind',
  managed: 'auteryn:managed',
  /** On a copy: `<source region>/<source snapshot id>`. */
  copyOf: 'auteryn:copy-of',
  /** When its creator asked for it, to the millisecond (see canonical). */
  requestedAt: 'auteryn:requested-at',
} as const;

export type ProviderSnapshotState = 'pending' | 'completed' | 'error';

/** An EBS snapshot as the platform sees it. */
export interface ProviderSnapshot {
  providerId: string;
  state: ProviderSnapshotState;
  /** Percent done, 0 to 100. */
  progress: number;
  volumeSizeGiB: number;
  /** From the snapshot's tags; undefined on a snapshot not tagged so. */
  sandboxId: string | undefined;
  snapshotId: string | undefined;
  kind: SnapshotKind | undefined;
  /** ISO-8601 time EBS started it. */
  startTime: string | undefined;
}

const KINDS: readonly string[] = ['auto', 'manual', 'pre-stop', 'pre-restore'];

export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const tagValue = (
  tags: readonly Tag[] | undefined,
  key: string,
): string | undefined => tags?.find((tag) => tag.Key === key)?.Value;

export const tagFilter = (key: string, value: string) => ({
  Name: `tag:${key}`,
  Values: [value],
});

export function toProviderSnapshot(snapshot: Ec2Snapshot): ProviderSnapshot {
  const kind = tagValue(snapshot.Tags, TAGS.kind);
  return {
    providerId: snapshot.SnapshotId ?? '',
    state: stateOf(snapshot.State),
    progress: Number.parseInt(snapshot.Progress ?? '0', 10) || 0,
    volumeSizeGiB: snapshot.VolumeSize ?? 0,
    sandboxId: tagValue(snapshot.Tags, TAGS.sandboxId),
    snapshotId: tagValue(snapshot.Tags, TAGS.snapshotId),
    kind: kind && KINDS.includes(kind) ? (kind as SnapshotKind) : undefined,
    startTime: snapshot.StartTime?.toISOString(),
  };
}

/**
 * EBS also reports `recoverable` and `recovering` (a failed snapshot
 * being retried): not done yet, so pending to the platform.
 */
function stateOf(state: string | undefined): ProviderSnapshotState {
  if (state === 'completed' || state === 'error') return state;
  return 'pending';
}

/**
 * The one snapshot every concurrent creator settles on: the earliest
 * started, then the earliest asked for, then the lowest id, so all of
 * them pick the same. StartTime can be whole seconds (moto's is), and a
 * creator that settled before the other's snapshot existed has kept its
 * own: within one second only the request time still says which came
 * first, where the id would pick at random.
 */
export function canonical(snapshots: readonly Ec2Snapshot[]) {
  const requestedAt = (s: Ec2Snapshot) =>
    tagValue(s.Tags, TAGS.requestedAt) ?? '';
  return [...snapshots].sort((a, b) => {
    const byTime =
      (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0);
    return (
      byTime ||
      requestedAt(a).localeCompare(requestedAt(b)) ||
      (a.SnapshotId ?? '').localeCompare(b.SnapshotId ?? '')
    );
  })[0];
}
