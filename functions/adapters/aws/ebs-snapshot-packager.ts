import type {
  PackedSnapshots,
  Progress,
  SnapshotPackager,
} from '../../../domain/ports/snapshot-packager.ts';
import type { Snapshot } from '../../../domain/snapshots/snapshot.ts';
import { refused } from '../../transfer/manifest.ts';
import { NotYetError } from '../../transfer/transfer-parts.ts';
import type { Ec2SnapshotGateway } from './ec2-snapshot-gateway.ts';
import { TAGS } from './ec2-snapshot-records.ts';

const GIB = 1024 ** 3;

/**
 * Snapshots that travel as EBS copies: CopySnapshot into the target
 * region (incremental, re-encrypted with the target's key), whose ids
 * the manifest carries; the package itself holds only the manifest and
 * the event history. Copying takes minutes to hours: `pack` issues the
 * copies (again, harmlessly: a copy is found by its `copy-of` tag) and
 * answers NotYet until all are complete, so the export goes on at the
 * next pass of the reconciler.
 */
export class EbsSnapshotPackager implements SnapshotPackager {
  readonly engine = 'ebs';

  constructor(
    private readonly parts: {
      /** This region's own gateway. */
      here: Ec2SnapshotGateway;
      region: string;
      gatewayIn(region: string): Ec2SnapshotGateway;
      /** The target's key to re-encrypt copies with; default theirs. */
      kmsKeyIn(region: string): string | undefined;
      /** The deployment there, whose `auteryn:managed` copies carry. */
      deploymentIn(region: string): string;
    },
  ) {}

  async pack(input: {
    sandboxId: string;
    snapshots: Snapshot[];
    targetRegion: string;
    onProgress: Progress;
  }): Promise<PackedSnapshots> {
    const target = this.parts.gatewayIn(input.targetRegion);
    const copies: Snapshot[] = [];
    for (const snapshot of input.snapshots) {
      if (!snapshot.providerId) {
        throw new Error(`snapshot ${snapshot.id} has no EBS snapshot to copy`);
      }
      const { providerId } = await target.copy({
        providerId: snapshot.providerId,
        sourceRegion: this.parts.region,
        kmsKeyId: this.parts.kmsKeyIn(input.targetRegion),
        tags: {
          [TAGS.managed]: this.parts.deploymentIn(input.targetRegion),
          [TAGS.sandboxId]: input.sandboxId,
          [TAGS.snapshotId]: snapshot.id,
          [TAGS.kind]: snapshot.kind,
        },
      });
      copies.push({ ...snapshot, providerId, startedAt: null });
    }

    const described = await target.describe(
      copies.map((c) => c.providerId as string),
    );
    const bytesTotal = described.reduce(
      (sum, s) => sum + s.volumeSizeGiB * GIB,
      0,
    );
    const bytesDone = described.reduce(
      (sum, s) => sum + (s.volumeSizeGiB * GIB * s.progress) / 100,
      0,
    );
    input.onProgress(Math.round(bytesDone), bytesTotal);

    const failed = described.find((s) => s.state === 'error');
    if (failed)
      throw new Error(
        `the copy ${failed.providerId} failed in ${input.targetRegion}`,
      );
    if (
      described.length < copies.length ||
      described.some((s) => s.state !== 'completed')
    ) {
      throw new NotYetError(`copies to ${input.targetRegion} are under way`);
    }
    return { engine: 'ebs', files: [], snapshots: copies, bytesTotal };
  }

  /** Takes the copies in this region as the new sandbox's snapshots. */
  async unpack(input: {
    sandboxId: string;
    tenantId: string;
    packed: PackedSnapshots;
  }): Promise<Snapshot[]> {
    if (input.packed.engine !== 'ebs') {
      throw refused(
        'the package holds local snapshot data: import it into a local platform',
      );
    }
    const wanted = input.packed.snapshots.map((s) => s.providerId ?? '');
    const found = new Map(
      (await this.parts.here.describe(wanted)).map((s) => [s.providerId, s]),
    );
    for (const snapshot of input.packed.snapshots) {
      const copy = found.get(snapshot.providerId ?? '');
      if (!copy) {
        throw refused(
          `EBS snapshot ${snapshot.providerId} of ${snapshot.id} is not in ` +
            `${this.parts.region}: the package was made for another region`,
        );
      }
      if (copy.state !== 'completed') {
        throw refused(`EBS snapshot ${snapshot.providerId} is ${copy.state}`);
      }
    }

    for (const snapshot of input.packed.snapshots) {
      await this.parts.here.tag(snapshot.providerId as string, {
        [TAGS.sandboxId]: input.sandboxId,
        [TAGS.snapshotId]: snapshot.id,
        [TAGS.tenant]: input.tenantId,
        [TAGS.managed]: this.parts.here.managedBy,
      });
    }
    return input.packed.snapshots;
  }

  /** The copies stay: they are the export's, whoever imports them. */
  async discard(): Promise<void> {}
}
