import {
  closeIdleStopped,
  closeRunning,
  openIdleStopped,
  openRunning,
} from '../usage/ledger.ts';
import type { RecordedEvent } from './events.ts';
import type { Sandbox } from './state.ts';

/**
 * Bookkeeping that follows from a change of status rather than from one
 * event: running time (from started until stopped or deleted, since a
 * stopping sandbox still holds its resources), idle-stopped time, the
 * stop's own snapshot, and `startedAt`.
 */
export function keepBooks(
  _before: Sandbox,
  after: Sandbox,
  event: RecordedEvent,
): Sandbox {
  let usage = after.usage;
  if (after.status === 'running') {
    usage = openRunning(usage, event.at, after.size);
  }
  if (after.status === 'stopped' || after.status === 'deleted') {
    usage = closeRunning(usage, event.at);
  }
  if (event.type === 'SandboxStopped' && event.data.reason === 'idle') {
    usage = openIdleStopped(usage, event.at, after.size);
  }
  if (['starting', 'deleting', 'deleted'].includes(after.status)) {
    usage = closeIdleStopped(usage, event.at);
  }

  const stopSnapshotId =
    event.type === 'SnapshotRequested' &&
    event.data.kind === 'pre-stop' &&
    after.status === 'stopping'
      ? event.data.snapshotId
      : after.stopSnapshotId;
  const startedAt = after.status === 'running' ? after.startedAt : null;
  return { ...after, usage, stopSnapshotId, startedAt };
}
