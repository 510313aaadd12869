import { ThrottledError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type {
  SchedulerCursor,
  SchedulerStateStore,
} from '../ports/scheduler-state.ts';
import type { SandboxSummary } from '../sandbox/summary.ts';
import { longestUnprotectedFirst } from './fairness.ts';
import { backoffMs, scheduledSnapshotId, slotStart } from './slots.ts';
import { emptyReport, type TickReport } from './tick-report.ts';
import {
  drain,
  fullBucket,
  msUntilToken,
  type RateLimit,
  refill,
  take,
} from './token-bucket.ts';

/** EBS allows at most 5 snapshots in progress per volume (EBS quotas). */
export const MAX_SNAPSHOTS_IN_FLIGHT_PER_VOLUME = 5;

export const SNAPSHOT_SCHEDULE = 'snapshots';

export type { TickReport } from './tick-report.ts';

export interface SnapshotSchedulePorts {
  /** Every sandbox that holds resources, as a slim summary. */
  candidates(): AsyncIterable<SandboxSummary>;
  /** Whether it changed since its newest completed snapshot. */
  changed(sandbox: SandboxSummary): Promise<boolean>;
  /**
   * Requests the snapshot and hands it to the provider: one provider
   * call. 'skipped' when the sandbox's state no longer allows it. Throws
   * ThrottledError when the provider refuses for its rate limit.
   */
  snapshot(
    sandboxId: string,
    snapshotId: string,
  ): Promise<'issued' | 'skipped'>;
  state: SchedulerStateStore;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  log: Log;
}

export interface SnapshotScheduleSettings {
  intervalMs: number;
  /** The share of the provider's rate limit this schedule may use. */
  limit: RateLimit;
  maxInFlightPerVolume: number;
  /** How long one invocation's lease lasts before another may take it. */
  leaseMs: number;
}

/**
 * The five-minute promise at fleet scale. Each invocation serves the
 * running sandboxes that have had no automatic snapshot in the current
 * slot, the longest-unprotected first, so under overload every sandbox
 * is served in turn and none starves. Unchanged sandboxes cost no
 * provider call. Calls are paced by a token bucket kept with the cursor
 * (the provider's own limit, less a share left for users), a throttle
 * empties the bucket and backs off exponentially, and the invocation
 * stops at its deadline: the next one continues where it left off,
 * because a served sandbox carries the slot in its own state.
 */
export class SnapshotScheduler {
  constructor(
    private readonly ports: SnapshotSchedulePorts,
    private readonly settings: SnapshotScheduleSettings,
  ) {}

  async tick(options: { deadline: Date; holder: string }): Promise<TickReport> {
    const { clock, state } = this.ports;
    const now = clock.now();
    const slot = slotStart(now, this.settings.intervalMs);
    const report = emptyReport(slot);

    const until = new Date(now.getTime() + this.settings.leaseMs);
    if (!(await state.lease(SNAPSHOT_SCHEDULE, options.holder, until, now))) {
      return report;
    }
    try {
      const cursor = await this.cursorFor(slot, now);
      const throttledBefore = cursor.throttled;
      const due = await this.dueSandboxes(slot, report);
      await this.serve(due, cursor, options.deadline, report);
      await state.save(SNAPSHOT_SCHEDULE, cursor);

      report.throttled = cursor.throttled - throttledBefore;
      return { ...report, ran: true };
    } finally {
      await state.release(SNAPSHOT_SCHEDULE, options.holder);
    }
  }

  private async cursorFor(slot: Date, now: Date): Promise<SchedulerCursor> {
    const saved = await this.ports.state.load(SNAPSHOT_SCHEDULE);
    const bucket = saved?.bucket ?? fullBucket(this.settings.limit, now);
    if (saved?.slot === slot.toISOString()) return { ...saved, bucket };

    return {
      slot: slot.toISOString(),
      bucket,
      backoffUntil: saved?.backoffUntil ?? null,
      consecutiveThrottles: saved?.consecutiveThrottles ?? 0,
      issued: 0,
      throttled: 0,
    };
  }

  /** Running, not yet served this slot, under the volume's limit. */
  private async dueSandboxes(
    slot: Date,
    report: TickReport,
  ): Promise<SandboxSummary[]> {
    const slotIso = slot.toISOString();
    const due: SandboxSummary[] = [];

    for await (const sandbox of this.ports.candidates()) {
      if (sandbox.status !== 'running' || sandbox.restoring) continue;
      if (sandbox.lastAutoIssuedAt && sandbox.lastAutoIssuedAt >= slotIso) {
        continue;
      }
      if (sandbox.snapshotsInFlight >= this.settings.maxInFlightPerVolume) {
        report.atVolumeLimit++;
        continue;
      }
      due.push(sandbox);
    }

    report.due = due.length;
    return due.sort(longestUnprotectedFirst);
  }

  private async serve(
    due: SandboxSummary[],
    cursor: SchedulerCursor,
    deadline: Date,
    report: TickReport,
  ): Promise<void> {
    const slot = new Date(cursor.slot);

    for (const [index, sandbox] of due.entries()) {
      if (this.ports.clock.now() >= deadline) {
        report.remaining = due.length - index;
        return;
      }
      if (!(await this.ports.changed(sandbox))) {
        report.clean++;
        continue;
      }

      const snapshotId =
        sandbox.unissuedAutoSnapshotId ?? scheduledSnapshotId(slot);
      const served = await this.issue(sandbox, snapshotId, cursor, deadline);
      if (served === 'deadline') {
        report.remaining = due.length - index;
        return;
      }
      report[served]++;
    }
  }

  /** One snapshot, retried after each throttle until the deadline. */
  private async issue(
    sandbox: SandboxSummary,
    snapshotId: string,
    cursor: SchedulerCursor,
    deadline: Date,
  ): Promise<'issued' | 'failed' | 'clean' | 'deadline'> {
    const { clock, sleep, log } = this.ports;

    for (;;) {
      const wait = this.waitMs(cursor, clock.now());
      if (wait > 0) {
        if (clock.now().getTime() + wait >= deadline.getTime()) {
          return 'deadline';
        }
        await sleep(wait);
        continue;
      }

      cursor.bucket = take(cursor.bucket);
      try {
        const outcome = await this.ports.snapshot(sandbox.id, snapshotId);
        cursor.consecutiveThrottles = 0;
        if (outcome === 'skipped') return 'clean';
        cursor.issued++;
        return 'issued';
      } catch (error) {
        if (!(error instanceof ThrottledError)) {
          log.error('scheduled snapshot failed', {
            sandboxId: sandbox.id,
            snapshotId,
            error,
          });
          return 'failed';
        }
        this.throttled(cursor, clock.now());
        log.warn('snapshot throttled', {
          sandboxId: sandbox.id,
          snapshotId,
          backoffUntil: cursor.backoffUntil,
        });
      }
    }
  }

  private waitMs(cursor: SchedulerCursor, now: Date): number {
    cursor.bucket = refill(cursor.bucket, this.settings.limit, now);
    const backoff = cursor.backoffUntil
      ? Date.parse(cursor.backoffUntil) - now.getTime()
      : 0;
    return Math.max(msUntilToken(cursor.bucket, this.settings.limit), backoff);
  }

  private throttled(cursor: SchedulerCursor, now: Date): void {
    cursor.throttled++;
    cursor.consecutiveThrottles++;
    cursor.bucket = drain(cursor.bucket);
    cursor.backoffUntil = new Date(
      now.getTime() + backoffMs(cursor.consecutiveThrottles),
    ).toISOString();
  }
}
