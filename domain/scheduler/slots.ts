/**
 * Time is cut into slots of the snapshot interval. A sandbox gets at most
 * one automatic snapshot a slot, and that snapshot's id names the slot,
 * so a retried or duplicated tick asks for the same snapshot again
 * rather than a second one.
 */
export function slotStart(now: Date, intervalMs: number): Date {
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
}

/** `snap-auto-20261203t212500z` for the slot starting 2026-12-03 21:25. */
export function scheduledSnapshotId(slot: Date): string {
  const compact = slot
    .toISOString()
    .replace(/\.\d{3}Z$/, 'z')
    .replace(/[-:]/g, '')
    .toLowerCase();
  return `snap-auto-${compact}`;
}

/** Exponential back-off after consecutive throttles: 1 s, 2 s, ... 60 s. */
export function backoffMs(consecutiveThrottles: number): number {
  const exponent = Math.max(0, consecutiveThrottles - 1);
  return Math.min(60_000, 1000 * 2 ** exponent);
}
