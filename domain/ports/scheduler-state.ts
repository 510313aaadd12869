import type { TokenBucket } from '../scheduler/token-bucket.ts';

/** Where a schedule left off, kept between invocations. */
export interface SchedulerCursor {
  /** Start of the slot being served (ISO-8601). */
  slot: string;
  bucket: TokenBucket;
  /** No provider call before this moment (after a throttle). */
  backoffUntil: string | null;
  consecutiveThrottles: number;
  /** Counters of the current slot, for reports and metrics. */
  issued: number;
  throttled: number;
}

/**
 * The schedules' own state: a cursor per schedule and a lease, so that
 * two invocations at once (a retry, a duplicate delivery) never run one
 * schedule side by side and overdraw the provider's rate limit.
 */
export interface SchedulerStateStore {
  load(schedule: string): Promise<SchedulerCursor | undefined>;
  save(schedule: string, cursor: SchedulerCursor): Promise<void>;
  /**
   * Takes or renews the lease of `schedule` for `holder` until `until`;
   * false while another holder's lease is unexpired at `now`.
   */
  lease(
    schedule: string,
    holder: string,
    until: Date,
    now: Date,
  ): Promise<boolean>;
  release(schedule: string, holder: string): Promise<void>;
}
