import type { Context } from 'aws-lambda';
import type { Sandbox } from '../../domain/sandbox/state.ts';
import { pruneAll } from '../../domain/services/snapshot-schedule.ts';
import type { AwsPlatform } from '../aws/platform.ts';
import { recordSnapshotOutcome } from '../aws/snapshot-outcomes.ts';
import { platformOfProcess } from './platform.ts';

/** A snapshot requested this long ago that EC2 never accepted has failed. */
const UNISSUED_FOR_MS = 60 * 60_000;

export interface ReconcileReport {
  /** Snapshots whose end DescribeSnapshots told, the event being lost. */
  settled: number;
  /** Requested, never accepted by EC2 (throttled until it was too late). */
  abandoned: number;
  /** Sandboxes whose history was thinned. */
  pruned: number;
  /** Exports carried on while their EBS copies complete. */
  exports: number;
}

/**
 * Every RECONCILE_INTERVAL: EBS completion events are not retried by
 * AWS, so pending snapshots are settled from a filtered
 * DescribeSnapshots; requests EC2 never took are failed; and every
 * history is thinned by its retention, stopped sandboxes' too.
 */
export function createReconciler(platform: AwsPlatform) {
  return async (_event?: unknown, _context?: Context) => {
    const report: ReconcileReport = {
      settled: 0,
      abandoned: 0,
      pruned: 0,
      exports: 0,
    };

    for await (const summary of platform.views.active()) {
      if (summary.snapshotsInFlight === 0 && !summary.unissuedAutoSnapshotId) {
        continue;
      }
      const { state } = await platform.handler.load(summary.id);
      if (!state) continue;
      report.settled += await settleStarted(platform, state);
      report.abandoned += await abandonUnissued(platform, state);
    }

    report.exports = await platform.transfers.resume();
    report.pruned = await pruneAll(platform.views, (sandboxId) =>
      platform.lifecycle.run(sandboxId, (flows) =>
        flows.snapshots.prune(sandboxId),
      ),
    );
    platform.log.info('reconciled', { ...report });
    return report;
  };
}

async function settleStarted(platform: AwsPlatform, sandbox: Sandbox) {
  const started = sandbox.snapshots.flatMap((s) =>
    s.status === 'pending' && s.providerId ? [s.providerId] : [],
  );
  if (started.length === 0) return 0;

  let settled = 0;
  for (const snapshot of await platform.gateway.describe(started)) {
    if (snapshot.state === 'pending') continue;
    await recordSnapshotOutcome(platform, snapshot.providerId, {
      result: snapshot.state === 'completed' ? 'succeeded' : 'failed',
      cause: 'DescribeSnapshots reports the snapshot in state error',
    });
    settled++;
  }
  return settled;
}

async function abandonUnissued(platform: AwsPlatform, sandbox: Sandbox) {
  const now = platform.clock.now().getTime();
  const stale = sandbox.snapshots.filter(
    (s) =>
      s.status === 'pending' &&
      !s.providerId &&
      now - Date.parse(s.createdAt) > UNISSUED_FOR_MS,
  );
  for (const snapshot of stale) {
    await platform.handler.execute(sandbox.id, {
      type: 'RecordSnapshotFailed',
      data: {
        snapshotId: snapshot.id,
        error: 'EC2 never accepted it (throttled); a later one replaces it',
      },
    });
  }
  return stale.length;
}

let run: ReturnType<typeof createReconciler> | undefined;

export const handler = (event: unknown, context: Context) => {
  run ??= createReconciler(platformOfProcess());
  return run(event, context);
};
