import type { Clock } from '../../domain/ports/clock.ts';
import type { EventStore } from '../../domain/ports/event-store.ts';
import type { Log } from '../../domain/ports/log.ts';
import type { ObjectStore } from '../../domain/ports/object-store.ts';
import type { NameRegistry } from '../../domain/ports/sandbox-views.ts';
import type { SnapshotPackager } from '../../domain/ports/snapshot-packager.ts';
import type { TransferRecords } from '../../domain/ports/transfer-records.ts';
import type { SandboxCommandHandler } from '../../domain/services/command-handler.ts';

/** What exports and imports are carried out with, locally and on AWS. */
export interface TransferParts {
  handler: SandboxCommandHandler;
  events: EventStore;
  names: NameRegistry;
  records: TransferRecords;
  packager: SnapshotPackager;
  /** The store at a location: a directory path or `s3://bucket/prefix`. */
  openStore(location: string): ObjectStore;
  /** Where exports to `region` go (the location of its store). */
  exportTarget(region: string): string;
  /** This platform's own region. */
  region: string;
  clock: Clock;
  log: Log;
}

/** A copy still under way (EBS): the export goes on at the next pass. */
export class NotYetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotYetError';
  }
}

export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** Progress written at most this often: a copy reports per chunk. */
const PROGRESS_EVERY_MS = 500;

/**
 * A progress callback that records at most every PROGRESS_EVERY_MS.
 * Progress is advisory: a lost write must not end the transfer (nor,
 * unhandled, the process), so it is logged and the next one catches up.
 */
export function recordProgress(
  log: Log,
  context: Record<string, string>,
  write: (done: number, total: number) => Promise<void>,
) {
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS && done < total) return;
    last = now;
    write(done, total).catch((error: unknown) => {
      log.warn('progress not recorded', { ...context, error });
    });
  };
}

export async function textOf(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  return new Response(stream).text();
}
