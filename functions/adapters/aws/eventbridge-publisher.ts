import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { AuterynError, PayloadTooLargeError } from '../../../domain/errors.ts';
import { callAws } from './aws-errors.ts';
import {
  batches,
  entryBytes,
  MAX_BYTES_PER_PUT,
} from './eventbridge-batches.ts';

export {
  MAX_BYTES_PER_PUT,
  MAX_ENTRIES_PER_PUT,
} from './eventbridge-batches.ts';

/** One event to publish; `detail` is sent as JSON. */
export interface PublishEntry {
  detailType: string;
  detail: unknown;
  /** ARNs the event is about. */
  resources?: string[];
}

export interface PublishRetryOptions {
  /** Calls per entry, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff, doubled per retry. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff. Default 2 000 ms. */
  maxDelayMs?: number;
  /** How to wait; tests pass one that records instead. */
  sleep?: (ms: number) => Promise<void>;
}

/** An entry EventBridge did not take, and why. */
export interface FailedEntry {
  entry: PublishEntry;
  errorCode: string;
  errorMessage: string | undefined;
}

/**
 * Some entries were not published after every retry (or were refused
 * for good). `failed` names each with EventBridge's error; the others
 * were published.
 */
export class PublishFailedError extends AuterynError {
  constructor(readonly failed: FailedEntry[]) {
    const throttledOnly = failed.every(
      (f) => f.errorCode === 'ThrottlingException',
    );
    super(
      throttledOnly ? 'throttled' : 'unexpected',
      `EventBridge refused ${failed.length} event(s): ` +
        failed.map((f) => `${f.entry.detailType} (${f.errorCode})`).join(', '),
    );
  }
}

/** Per-entry codes a retry cannot fix: the entry itself is wrong. */
const PERMANENT_CODES = new Set([
  'InvalidArgument',
  'MalformedDetail',
  'AccessDeniedException',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

interface Pending {
  entry: PublishEntry;
  request: PutEventsRequestEntry;
}

/**
 * Domain events onto a custom EventBridge bus. PutEvents succeeds as a
 * call even when some entries fail, so each answer is read entry by
 * entry and only the failed ones are sent again, with capped
 * exponential backoff, a bounded number of times.
 */
export class EventBridgePublisher {
  private readonly retry: Required<PublishRetryOptions>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly source: string,
    retry: PublishRetryOptions = {},
  ) {
    this.retry = {
      maxAttempts: retry.maxAttempts ?? 5,
      baseDelayMs: retry.baseDelayMs ?? 100,
      maxDelayMs: retry.maxDelayMs ?? 2_000,
      sleep:
        retry.sleep ??
        ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  async publish(entries: readonly PublishEntry[]): Promise<void> {
    let pending = entries.map((entry) => this.pending(entry));
    const failed: FailedEntry[] = [];

    for (let attempt = 1; pending.length > 0; attempt++) {
      const retryable: FailedEntry[] = [];
      for (const batch of batches(pending)) {
        for (const failure of await this.put(batch)) {
          const permanent = PERMANENT_CODES.has(failure.errorCode);
          (permanent ? failed : retryable).push(failure);
        }
      }

      if (retryable.length === 0) break;
      if (attempt >= this.retry.maxAttempts) {
        failed.push(...retryable);
        break;
      }
      await this.retry.sleep(this.backoff(attempt));
      pending = retryable.map((failure) => this.pending(failure.entry));
    }

    if (failed.length > 0) throw new PublishFailedError(failed);
  }

  private pending(entry: PublishEntry): Pending {
    const request: PutEventsRequestEntry = {
      EventBusName: this.busName,
      Source: this.source,
      DetailType: entry.detailType,
      Detail: JSON.stringify(entry.detail),
      ...(entry.resources ? { Resources: entry.resources } : {}),
    };
    if (entryBytes(request) >= MAX_BYTES_PER_PUT) {
      throw new PayloadTooLargeError(
        `event ${entry.detailType} is ${entryBytes(request)} bytes; ` +
          `EventBridge takes under ${MAX_BYTES_PER_PUT}`,
      );
    }
    return { entry, request };
  }

  /** Sends one call; returns the entries it did not take. */
  private async put(batch: Pending[]): Promise<FailedEntry[]> {
    const output = await callAws('put events', () =>
      this.client.send(
        new PutEventsCommand({ Entries: batch.map((p) => p.request) }),
      ),
    );
    if (!output.FailedEntryCount) return [];

    return batch.flatMap((pending, index) => {
      const result = output.Entries?.[index];
      if (!result?.ErrorCode) return [];
      return [
        {
          entry: pending.entry,
          errorCode: result.ErrorCode,
          errorMessage: result.ErrorMessage,
        },
      ];
    });
  }

  private backoff(attempt: number): number {
    const exponential = this.retry.baseDelayMs * 2 ** (attempt - 1);
    return Math.min(this.retry.maxDelayMs, exponential);
  }
}
