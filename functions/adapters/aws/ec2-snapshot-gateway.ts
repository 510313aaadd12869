import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  type EC2Client,
  type Snapshot as Ec2Snapshot,
  type Filter,
  paginateDescribeSnapshots,
} from '@aws-sdk/client-ec2';
import type { SnapshotKind } from '../../../domain/snapshots/snapshot.ts';
import { callAws, hasAwsCode, translateAwsError } from './aws-errors.ts';
import {
  DESCRIBE_SNAPSHOTS_PAGE_SIZE,
  MAX_FILTER_VALUES,
} from './ec2-limits.ts';
import {
  canonical,
  type ProviderSnapshot,
  TAGS,
  tagFilter,
  tagList,
  toProviderSnapshot,
} from './ec2-snapshot-records.ts';

export type { ProviderSnapshot } from './ec2-snapshot-records.ts';

export interface CreateSnapshotInput {
  volumeId: string;
  sandboxId: string;
  /** The platform's snapshot id: the key that makes create idempotent. */
  snapshotId: string;
  tenantId: string;
  kind: SnapshotKind;
  description?: string;
}

export interface CopySnapshotInput {
  /** The snapshot in `sourceRegion`. */
  providerId: string;
  sourceRegion: string;
  /** Encrypts the copy with this key; default: the source's encryption. */
  kmsKeyId?: string;
  /** Tags of the copy, set in the same call. */
  tags: Record<string, string>;
}

const NOT_FOUND = ['InvalidSnapshot.NotFound'];

/**
 * EBS snapshots of sandbox volumes. Each is tagged at creation (in the
 * CreateSnapshot call itself, so no snapshot is ever untagged) with the
 * sandbox, the platform's snapshot id, the tenant and the kind, and
 * `auteryn:managed=<deployment id>`, which the reconciler and the
 * deployment's IAM conditions key on.
 *
 * CreateSnapshot takes no client token, so create looks for a snapshot
 * tagged with the same platform id first: retries and duplicate
 * deliveries of a command get the same snapshot back (a failed one
 * too: a new attempt after a failure takes a new platform id).
 */
export class Ec2SnapshotGateway {
  /**
   * @param client EC2 client of the region the volumes live in.
   * @param managedBy the deployment's id: its `auteryn:managed` value.
   */
  constructor(
    private readonly client: EC2Client,
    readonly managedBy: string,
  ) {}

  async create(input: CreateSnapshotInput): Promise<{ providerId: string }> {
    const existing = await this.findTagged(TAGS.snapshotId, input.snapshotId);
    if (existing) return { providerId: existing };

    const created = await callAws(
      `create snapshot of ${input.volumeId}`,
      () =>
        this.client.send(
          new CreateSnapshotCommand({
            VolumeId: input.volumeId,
            Description: input.description ?? `auteryn ${input.snapshotId}`,
            TagSpecifications: [
              {
                ResourceType: 'snapshot',
                Tags: tagList(snapshotTags(input, this.managedBy)),
              },
            ],
          }),
        ),
      ['InvalidVolume.NotFound'],
    );

    const providerId = created.SnapshotId as string;
    return { providerId: await this.settle(input.snapshotId, providerId) };
  }

  /** Deletes the snapshot; one that is gone already counts as deleted. */
  async delete(providerId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSnapshotCommand({ SnapshotId: providerId }),
      );
    } catch (error) {
      if (hasAwsCode(error, ...NOT_FOUND)) return;
      throw translateAwsError(`delete snapshot ${providerId}`, error);
    }
  }

  /**
   * Copies a snapshot from `sourceRegion` into this gateway's region
   * (CopySnapshot is called in the destination). A copy already made of
   * the same source (tagged `auteryn:copy-of`) is returned instead.
   */
  async copy(input: CopySnapshotInput): Promise<{ providerId: string }> {
    const source = `${input.sourceRegion}/${input.providerId}`;
    const existing = await this.findTagged(TAGS.copyOf, source);
    if (existing) return { providerId: existing };

    const tags = { ...input.tags, [TAGS.copyOf]: source };
    const copied = await callAws(
      `copy snapshot ${source}`,
      () =>
        this.client.send(
          new CopySnapshotCommand({
            SourceSnapshotId: input.providerId,
            SourceRegion: input.sourceRegion,
            ...(input.kmsKeyId
              ? { Encrypted: true, KmsKeyId: input.kmsKeyId }
              : {}),
            TagSpecifications: [
              { ResourceType: 'snapshot', Tags: tagList(tags) },
            ],
          }),
        ),
      NOT_FOUND,
    );
    return { providerId: copied.SnapshotId as string };
  }

  /** The snapshots among `providerIds` that exist, in batches. */
  async describe(providerIds: readonly string[]): Promise<ProviderSnapshot[]> {
    const found: ProviderSnapshot[] = [];
    for (let at = 0; at < providerIds.length; at += MAX_FILTER_VALUES) {
      const batch = providerIds.slice(at, at + MAX_FILTER_VALUES);
      const filter = { Name: 'snapshot-id', Values: batch };
      for (const snapshot of await this.list([filter])) {
        found.push(toProviderSnapshot(snapshot));
      }
    }
    return found;
  }

  /**
   * Every managed snapshot still pending. EBS completion events are not
   * retried by AWS, so the reconciler polls with this to miss none.
   */
  async listPending(): Promise<ProviderSnapshot[]> {
    const snapshots = await this.list([
      { Name: 'status', Values: ['pending'] },
      tagFilter(TAGS.managed, this.managedBy),
    ]);
    return snapshots.map(toProviderSnapshot);
  }

  async listForSandbox(sandboxId: string): Promise<ProviderSnapshot[]> {
    const snapshots = await this.list([tagFilter(TAGS.sandboxId, sandboxId)]);
    return snapshots.map(toProviderSnapshot);
  }

  /** Sets tags on a snapshot (an imported copy becomes its sandbox's). */
  async tag(providerId: string, tags: Record<string, string>): Promise<void> {
    await callAws(
      `tag snapshot ${providerId}`,
      () =>
        this.client.send(
          new CreateTagsCommand({
            Resources: [providerId],
            Tags: tagList(tags),
          }),
        ),
      NOT_FOUND,
    );
  }

  private async findTagged(key: string, value: string) {
    const snapshots = await this.list([tagFilter(key, value)]);
    return canonical(snapshots)?.SnapshotId;
  }

  /**
   * Two creators that both found nothing make two snapshots. Each then
   * looks again, and the one whose snapshot is not the canonical one
   * deletes its own, so both end up naming the same snapshot.
   */
  private async settle(snapshotId: string, mine: string): Promise<string> {
    const chosen = await this.findTagged(TAGS.snapshotId, snapshotId);
    if (!chosen || chosen === mine) return mine;
    await this.delete(mine);
    return chosen;
  }

  private async list(filters: Filter[]): Promise<Ec2Snapshot[]> {
    return callAws('describe snapshots', async () => {
      const snapshots: Ec2Snapshot[] = [];
      const pages = paginateDescribeSnapshots(
        { client: this.client, pageSize: DESCRIBE_SNAPSHOTS_PAGE_SIZE },
        { OwnerIds: ['self'], Filters: filters },
      );
      for await (const page of pages) snapshots.push(...(page.Snapshots ?? []));
      return snapshots;
    });
  }
}

function snapshotTags(
  input: CreateSnapshotInput,
  managedBy: string,
): Record<string, string> {
  return {
    [TAGS.sandboxId]: input.sandboxId,
    [TAGS.snapshotId]: input.snapshotId,
    [TAGS.tenant]: input.tenantId,
    [TAGS.kind]: input.kind,
    [TAGS.managed]: managedBy,
    [TAGS.requestedAt]: new Date().toISOString(),
  };
}
