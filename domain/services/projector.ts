import type { Commit, EventStore } from '../ports/event-store.ts';
import type { SandboxView, SandboxViews } from '../ports/sandbox-views.ts';
import type { RecordedEvent } from '../sandbox/events.ts';
import { evolveAll } from '../sandbox/state.ts';

const MAX_SAVE_ATTEMPTS = 5;

/**
 * Keeps the current-state projection in step with the event log. Applying
 * a commit is idempotent: a commit already applied is skipped, and a gap
 * (an earlier commit never projected, after a crash) is filled from the
 * stream first. Safe under at-least-once, out-of-order delivery.
 */
export class SandboxProjector {
  constructor(
    private readonly events: EventStore,
    private readonly views: SandboxViews,
  ) {}

  async apply(commit: Commit): Promise<SandboxView | undefined> {
    return this.catchUp(commit.streamId, commit.revision);
  }

  /** Brings the view up to `revision` (or the stream's end). */
  async catchUp(
    streamId: string,
    revision = Number.POSITIVE_INFINITY,
  ): Promise<SandboxView | undefined> {
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const current = await this.views.get(streamId);
      const from = current?.revision ?? 0;
      if (from >= revision) return current;

      const next = await this.fold(current, streamId, revision);
      if (!next || next.revision === from) return current;

      // Lost a race with another projector: read again and retry.
      if (await this.views.save(next, from)) return next;
    }
    return this.views.get(streamId);
  }

  private async fold(
    current: SandboxView | undefined,
    streamId: string,
    upTo: number,
  ): Promise<SandboxView | undefined> {
    let sandbox = current?.sandbox;
    let revision = current?.revision ?? 0;

    for await (const commit of this.events.read(streamId, revision)) {
      if (commit.revision > upTo) break;
      sandbox = evolveAll(sandbox, commit.events as RecordedEvent[]);
      revision = commit.revision;
    }
    return sandbox ? { sandbox, revision } : undefined;
  }
}
