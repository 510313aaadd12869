import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** PutEvents takes at most 10 entries per call (EventBridge quotas). */
export const MAX_ENTRIES_PER_PUT = 10;

/**
 * PutEvents' entries must total under 256 KB per call, counted as
 * EventBridge counts them ("Calculating PutEvents event entry size").
 */
export const MAX_BYTES_PER_PUT = 256 * 1024;

/** `Time`, when given, counts as 14 bytes in that calculation. */
const TIME_BYTES = 14;

const utf8Bytes = (text: string | undefined) =>
  text === undefined ? 0 : Buffer.byteLength(text, 'utf8');

/** An entry's size by EventBridge's own rule. */
export function entryBytes(entry: PutEventsRequestEntry): number {
  return (
    (entry.Time ? TIME_BYTES : 0) +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, arn) => sum + utf8Bytes(arn), 0)
  );
}

/**
 * Cuts entries, in order, into calls of at most 10 entries and under
 * 256 KB each. Every entry must fit in a call on its own.
 */
export function batches<T extends { request: PutEventsRequestEntry }>(
  entries: readonly T[],
): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry.request);
    const full =
      current.length === MAX_ENTRIES_PER_PUT ||
      bytes + size >= MAX_BYTES_PER_PUT;
    if (full && current.length > 0) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
