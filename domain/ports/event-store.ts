/** An event ready to append: the store numbers it. */
export interface NewEvent {
  type: string;
  data: unknown;
  /** When it happened (ISO-8601), from the command's clock. */
  at: string;
}

export interface StoredEvent extends NewEvent {
  /** 1-based position of the event in its stream. */
  version: number;
}

/**
 * The events of one command, appended atomically. Revisions count
 * commits (1, 2, 3, ...): optimistic concurrency works on them, so a
 * commit of several events needs no transaction.
 */
export interface Commit {
  streamId: string;
  revision: number;
  events: StoredEvent[];
}

/**
 * Append-only streams with optimistic concurrency. `append` fails with a
 * ConcurrencyError when the stream is not at `expectedRevision`; it never
 * overwrites.
 */
export interface EventStore {
  append(
    streamId: string,
    expectedRevision: number,
    events: readonly StoredEvent[],
  ): Promise<Commit>;

  /** Commits after `afterRevision`, oldest first, across every page. */
  read(streamId: string, afterRevision?: number): AsyncIterable<Commit>;
}
