import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { AwsPlatform } from '../aws/platform.ts';
import { recordSnapshotOutcome } from '../aws/snapshot-outcomes.ts';
import { platformOfProcess } from './platform.ts';

/** `detail` of an "EBS Snapshot Notification" (EBS user guide). */
export interface EbsSnapshotNotification {
  event: 'createSnapshot' | 'copySnapshot' | string;
  result: 'succeeded' | 'failed' | string;
  cause?: string;
  /** `arn:aws:ec2::<region>:snapshot/snap-…` */
  snapshot_id: string;
  source?: string;
}

type Notification = EventBridgeEvent<
  'EBS Snapshot Notification',
  EbsSnapshotNotification
>;

/**
 * EBS's word that a snapshot finished, onto its sandbox's stream. A
 * snapshot the platform does not manage (no tags of ours) is ignored.
 * AWS does not retry these events: the reconciler catches what is lost.
 */
export function createEbsNotificationHandler(platform: AwsPlatform) {
  return async (event: Notification, _context?: Context) => {
    const { detail } = event;
    if (detail.event !== 'createSnapshot') return { ignored: detail.event };
    if (detail.result !== 'succeeded' && detail.result !== 'failed') {
      return { ignored: detail.result };
    }

    const providerId = detail.snapshot_id.split('/').at(-1) ?? '';
    try {
      return await recordSnapshotOutcome(platform, providerId, {
        result: detail.result,
        cause: detail.cause,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') {
        return { ignored: providerId };
      }
      throw error;
    }
  };
}

let run: ReturnType<typeof createEbsNotificationHandler> | undefined;

export const handler = (event: Notification, context: Context) => {
  run ??= createEbsNotificationHandler(platformOfProcess());
  return run(event, context);
};
