import type { Commit } from '../ports/event-store.ts';
import type { RecordedEvent } from '../sandbox/events.ts';
import type { Sandbox } from '../sandbox/state.ts';
import { SandboxFlows } from './flows.ts';
import type { LifecycleParts } from './lifecycle-parts.ts';
import { SandboxJobs } from './sandbox-jobs.ts';

export type { LifecycleParts } from './lifecycle-parts.ts';

/**
 * The process manager between the event log and the side effects: each
 * request event queues the job that carries it out, and the job's
 * outcome goes back into the log as a `Record*` command. Locally it runs
 * right after each commit; the start-up repair pass calls `settle` to
 * finish what a crash interrupted.
 */
export class SandboxLifecycle {
  private readonly jobs: SandboxJobs;
  private readonly flows: SandboxFlows;

  constructor(private readonly parts: LifecycleParts) {
    this.jobs = new SandboxJobs((sandboxId, error) =>
      parts.log.error('sandbox job failed', { sandboxId, error }),
    );
    this.flows = new SandboxFlows(parts);
  }

  readonly react = async (commit: Commit): Promise<void> => {
    for (const event of commit.events as RecordedEvent[]) {
      const job = this.jobFor(commit.streamId, event);
      if (job) this.jobs.enqueue(commit.streamId, job);
    }
  };

  /** Resolves once every job queued for the sandbox has run. */
  settled = (sandboxId: string) => this.jobs.settled(sandboxId);

  /** Resolves once they ran; rejects with the first that failed. */
  settledOrThrow = (sandboxId: string) => this.jobs.settledOrThrow(sandboxId);

  drain = () => this.jobs.drain();

  /** Queues a job of the flows for a sandbox, e.g. from a schedule. */
  enqueue(sandboxId: string, job: (flows: SandboxFlows) => Promise<void>) {
    this.jobs.enqueue(sandboxId, () => job(this.flows));
  }

  /** Runs a job in the sandbox's queue and hands back its result. */
  run<T>(sandboxId: string, job: (flows: SandboxFlows) => Promise<T>) {
    return this.jobs.run(sandboxId, () => job(this.flows));
  }

  /** Finishes whatever the log says is under way for the sandbox. */
  settle(sandbox: Sandbox): Promise<void> {
    this.jobs.enqueue(sandbox.id, () => this.flows.settle(sandbox.id));
    return this.jobs.settled(sandbox.id);
  }

  private jobFor(
    sandboxId: string,
    event: RecordedEvent,
  ): (() => Promise<void>) | undefined {
    const flows = this.flows;
    switch (event.type) {
      case 'SandboxCreated':
      case 'SandboxStartRequested':
        return () => flows.start(sandboxId);
      case 'SandboxStopRequested':
      case 'SandboxRestartRequested':
        return () => flows.stop(sandboxId);
      case 'SandboxDeletionRequested':
        return () => flows.remove(sandboxId);
      case 'SandboxDeleted':
        return () => flows.releaseName(sandboxId);
      case 'SnapshotRequested':
        // Scheduled, pre-stop and pre-restore snapshots belong to their
        // flows, which capture them right after the request.
        return event.data.kind === 'manual'
          ? () => flows.snapshots.capture(sandboxId, event.data.snapshotId)
          : undefined;
      case 'SnapshotCompleted':
      case 'SnapshotFailed':
        // A stop or restore may have been waiting for this snapshot.
        return () => flows.resume(sandboxId);
      case 'RestoreRequested':
        return () => flows.restore(sandboxId);
      case 'SandboxExportRequested': {
        const { exporter } = this.parts;
        return exporter && (() => exporter(event.data.exportId));
      }
      case 'SnapshotDeleted':
        return () => flows.snapshots.forget(sandboxId, [event.data.snapshotId]);
      case 'SnapshotsPruned':
        return () => flows.snapshots.forget(sandboxId, event.data.snapshotIds);
      default:
        return undefined;
    }
  }
}
