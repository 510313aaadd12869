import type { SandboxSize } from '../sandbox/sizes.ts';

/** Seconds a sandbox of one size spent running, or idle-stopped, a day. */
export interface UsageDay {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  size: SandboxSize;
  runningSeconds: number;
  /** Seconds it was stopped by idle shutdown: what auto-shutdown saved. */
  idleStoppedSeconds: number;
}

interface OpenInterval {
  since: string;
  size: SandboxSize;
}

/**
 * Running time folded from the lifecycle events, a bucket per day and
 * size. It lives in the sandbox's state, so a usage report reads one
 * item however long the sandbox has lived.
 */
export interface UsageLedger {
  days: UsageDay[];
  running: OpenInterval | null;
  idleStopped: OpenInterval | null;
}

/** Buckets older than this many days are dropped, keeping state small. */
export const USAGE_DAYS_KEPT = 400;

const DAY_MS = 86_400_000;

export const emptyLedger = (): UsageLedger => ({
  days: [],
  running: null,
  idleStopped: null,
});

export const openRunning = (
  ledger: UsageLedger,
  at: string,
  size: SandboxSize,
): UsageLedger =>
  ledger.running ? ledger : { ...ledger, running: { since: at, size } };

export const closeRunning = (ledger: UsageLedger, at: string): UsageLedger =>
  ledger.running
    ? {
        ...ledger,
        days: addSpan(ledger.days, ledger.running, at, 'runningSeconds'),
        running: null,
      }
    : ledger;

export const openIdleStopped = (
  ledger: UsageLedger,
  at: string,
  size: SandboxSize,
): UsageLedger =>
  ledger.idleStopped ? ledger : { ...ledger, idleStopped: { since: at, size } };

export const closeIdleStopped = (
  ledger: UsageLedger,
  at: string,
): UsageLedger =>
  ledger.idleStopped
    ? {
        ...ledger,
        days: addSpan(
          ledger.days,
          ledger.idleStopped,
          at,
          'idleStoppedSeconds',
        ),
        idleStopped: null,
      }
    : ledger;

/** The ledger as if every open interval closed at `at` (for a report). */
export const ledgerAsOf = (ledger: UsageLedger, at: string): UsageDay[] =>
  closeIdleStopped(closeRunning(ledger, at), at).days;

/** Adds the span from `open.since` to `until`, split at UTC midnights. */
function addSpan(
  days: readonly UsageDay[],
  open: OpenInterval,
  until: string,
  field: 'runningSeconds' | 'idleStoppedSeconds',
): UsageDay[] {
  const end = Date.parse(until);
  let next = [...days];

  for (let from = Date.parse(open.since); from < end; ) {
    const midnight = (Math.floor(from / DAY_MS) + 1) * DAY_MS;
    const to = Math.min(midnight, end);
    const day = new Date(from).toISOString().slice(0, 10);
    next = addSeconds(next, day, open.size, field, (to - from) / 1000);
    from = to;
  }
  return next.slice(-USAGE_DAYS_KEPT);
}

function addSeconds(
  days: UsageDay[],
  day: string,
  size: SandboxSize,
  field: 'runningSeconds' | 'idleStoppedSeconds',
  seconds: number,
): UsageDay[] {
  const index = days.findIndex((d) => d.day === day && d.size === size);
  if (index >= 0) {
    const bucket = days[index] as UsageDay;
    days[index] = { ...bucket, [field]: bucket[field] + seconds };
    return days;
  }

  const bucket: UsageDay = {
    day,
    size,
    runningSeconds: 0,
    idleStoppedSeconds: 0,
  };
  bucket[field] = seconds;
  return [...days, bucket].sort((a, b) => a.day.localeCompare(b.day));
}
