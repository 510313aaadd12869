import type { Context } from 'aws-lambda';
import { durationSeconds } from '../../domain/sandbox/duration.ts';
import { EC2_CREATE_SNAPSHOT_LIMIT } from '../../domain/scheduler/token-bucket.ts';
import { createSnapshotScheduler } from '../../domain/services/snapshot-schedule.ts';
import type { AwsPlatform } from '../aws/platform.ts';
import { platformOfProcess } from './platform.ts';

/** Left of the Lambda's time when the tick stops issuing snapshots. */
const SAFETY_MARGIN_MS = 15_000;

/**
 * The snapshot tick (EventBridge schedule, every SNAPSHOT_INTERVAL): the
 * shared scheduler on EC2's real CreateSnapshot limit. It runs until
 * shortly before the Lambda's own timeout; what it leaves, the next
 * tick serves first. Each snapshot is requested and handed to EC2 here;
 * its completion comes back through the EBS notification handler.
 */
export function createSnapshotTick(platform: AwsPlatform) {
  const scheduler = createSnapshotScheduler({
    views: platform.views,
    store: platform.store,
    snapshot: (sandboxId, snapshotId) =>
      platform.lifecycle.run(sandboxId, (flows) =>
        flows.snapshots.scheduled(sandboxId, snapshotId),
      ),
    state: platform.schedulerState,
    clock: platform.clock,
    sleep: platform.sleep,
    log: platform.log,
    intervalMs: durationSeconds(platform.env.SNAPSHOT_INTERVAL) * 1000,
    providerLimit: EC2_CREATE_SNAPSHOT_LIMIT,
  });

  return async (_event: unknown, context: Context) => {
    const now = platform.clock.now().getTime();
    const budget = context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const report = await scheduler.tick({
      deadline: new Date(now + Math.max(0, budget)),
      holder: context.awsRequestId,
    });
    platform.log.info('snapshot tick', { ...report });
    return report;
  };
}

let run: ReturnType<typeof createSnapshotTick> | undefined;

export const handler = (event: unknown, context: Context) => {
  run ??= createSnapshotTick(platformOfProcess());
  return run(event, context);
};
