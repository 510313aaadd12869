import type { Clock } from '../../domain/ports/clock.ts';
import type { Log } from '../../domain/ports/log.ts';
import type { SandboxViews } from '../../domain/ports/sandbox-views.ts';
import type { SchedulerStateStore } from '../../domain/ports/scheduler-state.ts';
import type { SnapshotStore } from '../../domain/ports/snapshot-store.ts';
import type { TickReport } from '../../domain/scheduler/snapshot-scheduler.ts';
import type { RateLimit } from '../../domain/scheduler/token-bucket.ts';
import type {
  IdleCheck,
  IdleCheckReport,
} from '../../domain/services/idle-check.ts';
import type { SandboxLifecycle } from '../../domain/services/lifecycle.ts';
import {
  createSnapshotScheduler,
  pruneAll,
} from '../../domain/services/snapshot-schedule.ts';
import { startTimer } from './snapshot-timer.ts';

/**
 * The local store has no provider rate limit: this bucket only keeps one
 * tick from starting thousands of captures at once on one machine.
 */
export const LOCAL_SNAPSHOT_LIMIT: RateLimit = {
  capacity: 1000,
  refillPerSecond: 100,
};

/** A tick may use most of its interval, then leaves the rest to the next. */
const TICK_SHARE_OF_INTERVAL = 0.9;

export interface LocalSchedules {
  snapshotTick(): Promise<TickReport>;
  idleCheck(): Promise<IdleCheckReport>;
  stop(): void;
}

/**
 * The two schedules of the local platform on timers: the same scheduler
 * and idle check the AWS Lambdas run, with local ports. Snapshot work is
 * queued behind whatever each sandbox is doing.
 */
export function startLocalSchedules(parts: {
  views: SandboxViews;
  store: SnapshotStore;
  lifecycle: SandboxLifecycle;
  idle: IdleCheck;
  state: SchedulerStateStore;
  clock: Clock;
  log: Log;
  snapshotIntervalMs: number;
  idleCheckIntervalMs: number;
}): LocalSchedules {
  const { views, lifecycle, clock } = parts;
  const scheduler = createSnapshotScheduler({
    views,
    store: parts.store,
    snapshot: (sandboxId, snapshotId) =>
      lifecycle.run(sandboxId, (flows) =>
        flows.snapshots.scheduled(sandboxId, snapshotId),
      ),
    state: parts.state,
    clock,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    log: parts.log,
    intervalMs: parts.snapshotIntervalMs,
    providerLimit: LOCAL_SNAPSHOT_LIMIT,
  });

  const snapshotTick = async () => {
    const now = clock.now().getTime();
    const report = await scheduler.tick({
      deadline: new Date(
        now + parts.snapshotIntervalMs * TICK_SHARE_OF_INTERVAL,
      ),
      holder: `local-${process.pid}`,
    });
    await pruneAll(views, async (sandboxId) =>
      lifecycle.enqueue(sandboxId, (flows) => flows.snapshots.prune(sandboxId)),
    );
    await lifecycle.drain();
    if (report.issued + report.throttled + report.failed > 0) {
      parts.log.info('snapshot tick', { ...report });
    }
    return report;
  };
  const idleCheck = async () => {
    const report = await parts.idle.run();
    await lifecycle.drain();
    return report;
  };

  const timers = [
    startTimer('snapshots', parts.snapshotIntervalMs, snapshotTick, parts.log),
    startTimer('idle-check', parts.idleCheckIntervalMs, idleCheck, parts.log),
  ];
  return {
    snapshotTick,
    idleCheck,
    stop: () => {
      for (const timer of timers) timer.stop();
    },
  };
}
