import type { AwsPlatform } from './platform.ts';

const GIB = 1024 ** 3;

/**
 * Records what EBS says of a snapshot on its sandbox's stream: completed
 * or failed. Repeating it is harmless (the decision ignores a snapshot
 * that is no longer pending), so the EBS notification and the
 * reconciler may both report the same one.
 */
export async function recordSnapshotOutcome(
  platform: AwsPlatform,
  providerId: string,
  outcome: { result: 'succeeded' | 'failed'; cause?: string },
): Promise<{ sandboxId: string; snapshotId: string }> {
  const snapshot = await platform.store.lookup(providerId);
  const sandboxId = snapshot.sandboxId as string;
  const snapshotId = snapshot.snapshotId as string;

  if (outcome.result === 'succeeded') {
    await platform.handler.execute(sandboxId, {
      type: 'RecordSnapshotCompleted',
      data: {
        snapshotId,
        providerId,
        // EBS reports the volume's size; what changed it does not say.
        sizeBytes: snapshot.volumeSizeGiB * GIB,
        changedBytes: 0,
        fileCount: 0,
      },
    });
  } else {
    await platform.handler.execute(sandboxId, {
      type: 'RecordSnapshotFailed',
      data: {
        snapshotId,
        error: `EBS could not take it: ${outcome.cause || 'no cause given'}`,
      },
    });
  }
  platform.log.info('snapshot outcome recorded', {
    sandboxId,
    snapshotId,
    providerId,
    result: outcome.result,
  });
  return { sandboxId, snapshotId };
}
