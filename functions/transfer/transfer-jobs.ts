import type { Log } from '../../domain/ports/log.ts';

/**
 * Exports and imports running in the background of the local platform,
 * one at a time per transfer id: asking twice for one that runs does
 * not start a second. `drain` waits for all, so the platform can stop
 * cleanly; one cut off by a crash is resumed at the next start.
 */
export class TransferJobs {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly log: Log) {}

  start(id: string, job: () => Promise<void>): void {
    if (this.running.has(id)) return;
    const run = job()
      .catch((error: unknown) => {
        this.log.error('transfer job failed', { transferId: id, error });
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  /** Resolves once the transfer's job (if one runs) is over. */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  async drain(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }
}
