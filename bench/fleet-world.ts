import { ThrottledError } from '../domain/errors.ts';
import type { SandboxSummary } from '../domain/sandbox/summary.ts';
import {
  EC2_CREATE_SNAPSHOT_LIMIT,
  refill,
  type TokenBucket,
} from '../domain/scheduler/token-bucket.ts';

/**
 * A simulated account and region for the fleet benchmark: sandboxes that
 * write on a daily pattern, and an EC2 that enforces CreateSnapshot's
 * real bucket (100, refilling 5/s), EBS's 5 snapshots in flight per
 * volume, completion some tens of seconds later, and throttles injected
 * on top (other tools in the account, and one storm that empties the
 * bucket for a quarter of an hour).
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const TICK = 5 * MINUTE;
/** The tick Lambda stops 15 s before its 5-minute timeout. */
export const TICK_BUDGET = TICK - 15_000;

/**
 * Share of the fleet writing, by hour of the simulated day (UTC): quiet
 * nights, a working day within the limit, and a midday hour well over it.
 */
const ACTIVE_SHARE_BY_HOUR = [
  0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.09, 0.09, 0.09, 0.09, 0.25,
  0.09, 0.09, 0.09, 0.09, 0.09, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05,
];
/**
 * Sessions slide through the fleet: a sandbox works while its phase is
 * inside the active share of this window, so about size / 240 sandboxes
 * start and as many stop every minute, and a session lasts share x 4 h.
 */
const SESSION_WINDOW = 4 * 60 * 60_000;
/** Spreads sandboxes' phases evenly (the golden ratio's fraction). */
const PHASE_STEP = 0.618_033_988_75;
/** Calls refused at random on top of the bucket (other tools). */
const INJECTED_THROTTLE_RATE = 0.01;
/** Another tool drains the account's bucket for this window. */
export const STORM = { from: 14 * HOUR, to: 14 * HOUR + 15 * MINUTE };
const MAX_IN_FLIGHT_PER_VOLUME = 5;

interface SimSnapshot {
  startedAt: number;
  completesAt: number;
}

export interface SimSandbox {
  id: string;
  /** Index in id order, for the active-share draw. */
  rank: number;
  /** Writes (minute marks) no completed snapshot holds yet, oldest first. */
  unprotected: number[];
  snapshots: SimSnapshot[];
  lastIssuedAt: number | null;
}

/** A small deterministic PRNG (mulberry32), so every run is the same. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FleetWorld {
  readonly sandboxes: SimSandbox[];
  now = 0;
  calls = 0;
  throttles = 0;
  /** Calls for sandboxes that had not changed: wasted. */
  cleanCalls = 0;
  private bucket: TokenBucket;
  private readonly chance = random(7);
  private readonly latency = random(11);

  constructor(
    size: number,
    private readonly epoch: number,
  ) {
    this.sandboxes = Array.from({ length: size }, (_, rank) => ({
      id: `sbx-${String(rank).padStart(6, '0')}`,
      rank,
      unprotected: [],
      snapshots: [],
      lastIssuedAt: null,
    }));
    this.bucket = {
      tokens: EC2_CREATE_SNAPSHOT_LIMIT.capacity,
      refilledAt: new Date(epoch).toISOString(),
    };
  }

  /** Every sandbox inside its session writes at `at`. */
  write(at: number): void {
    const hour = Math.floor(at / HOUR) % 24;
    const share = ACTIVE_SHARE_BY_HOUR[hour] ?? 0;
    const shift = at / SESSION_WINDOW;
    for (const sandbox of this.sandboxes) {
      const phase = (sandbox.rank * PHASE_STEP + shift) % 1;
      if (phase < share) sandbox.unprotected.push(at);
    }
  }

  newestCompleted(sandbox: SimSandbox): SimSnapshot | undefined {
    let newest: SimSnapshot | undefined;
    for (const s of sandbox.snapshots) {
      if (
        s.completesAt <= this.now &&
        (!newest || s.startedAt > newest.startedAt)
      ) {
        newest = s;
      }
    }
    return newest;
  }

  /** Changed since the start of its newest completed snapshot. */
  isDirty(sandbox: SimSandbox): boolean {
    return this.settle(sandbox).length > 0;
  }

  /** Forgets the writes that a completed snapshot now holds. */
  private settle(sandbox: SimSandbox): number[] {
    const newest = this.newestCompleted(sandbox);
    if (newest) {
      const held = sandbox.unprotected.findIndex((at) => at > newest.startedAt);
      sandbox.unprotected = held < 0 ? [] : sandbox.unprotected.slice(held);
    }
    return sandbox.unprotected;
  }

  summary(sandbox: SimSandbox): SandboxSummary {
    const newest = this.newestCompleted(sandbox);
    const iso = (at: number | null | undefined) =>
      at === null || at === undefined
        ? null
        : new Date(this.epoch + at).toISOString();
    return {
      id: sandbox.id,
      tenantId: 'bench',
      status: 'running',
      size: 'small',
      autoShutdown: false,
      shutdownAfter: '1h',
      idleCpuPercent: 5,
      startedAt: iso(0),
      restoring: false,
      lastSnapshotId: newest ? `s-${newest.startedAt}` : null,
      lastSnapshotAt: iso(newest?.startedAt),
      lastAutoIssuedAt: iso(sandbox.lastIssuedAt),
      unissuedAutoSnapshotId: null,
      snapshotsInFlight: sandbox.snapshots.filter(
        (s) => s.completesAt > this.now,
      ).length,
    };
  }

  /** CreateSnapshot as EC2 answers it. */
  createSnapshot(sandbox: SimSandbox): void {
    this.calls++;
    if (!this.isDirty(sandbox)) this.cleanCalls++;

    this.bucket = refill(
      this.bucket,
      EC2_CREATE_SNAPSHOT_LIMIT,
      new Date(this.epoch + this.now),
    );
    const storm = this.now >= STORM.from && this.now < STORM.to;
    const inFlight = sandbox.snapshots.filter(
      (s) => s.completesAt > this.now,
    ).length;
    if (
      storm ||
      this.bucket.tokens < 1 ||
      inFlight >= MAX_IN_FLIGHT_PER_VOLUME ||
      this.chance() < INJECTED_THROTTLE_RATE
    ) {
      this.throttles++;
      throw new ThrottledError('RequestLimitExceeded');
    }

    this.bucket = { ...this.bucket, tokens: this.bucket.tokens - 1 };
    // EBS takes 20 s to 2 min for an incremental snapshot of a small delta.
    const latency = 20_000 + Math.floor(this.latency() * 100_000);
    sandbox.snapshots.push({
      startedAt: this.now,
      completesAt: this.now + latency,
    });
    sandbox.lastIssuedAt = this.now;
    // Keep memory flat over a day: only the newest few matter here.
    if (sandbox.snapshots.length > 8) sandbox.snapshots.shift();
  }

  /**
   * For every dirty sandbox, how old its oldest write that no completed
   * snapshot holds is: the work it would lose right now (the recovery
   * point).
   */
  dirtyAges(): number[] {
    const ages: number[] = [];
    for (const sandbox of this.sandboxes) {
      const oldest = this.settle(sandbox)[0];
      if (oldest !== undefined) ages.push(this.now - oldest);
    }
    return ages;
  }
}
