import type { SandboxSummary } from '../sandbox/summary.ts';

/**
 * Never-snapshotted first, then by the newest snapshot taken or under
 * way. A snapshot still in flight counts: ordering by completed ones
 * alone would put a sandbox served late in one slot first in the next
 * and one served early last, stretching the latter's gap to two slots.
 */
export function longestUnprotectedFirst(a: SandboxSummary, b: SandboxSummary) {
  const byAge = protectedSince(a).localeCompare(protectedSince(b));
  return byAge !== 0 ? byAge : a.id.localeCompare(b.id);
}

// ISO-8601 times in UTC sort as strings.
const protectedSince = (sandbox: SandboxSummary) =>
  [sandbox.lastSnapshotAt ?? '', sandbox.lastAutoIssuedAt ?? ''].sort()[1] ??
  '';
