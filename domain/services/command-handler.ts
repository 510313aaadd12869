import { ConcurrencyError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Commit, EventStore, StoredEvent } from '../ports/event-store.ts';
import type { SandboxViews } from '../ports/sandbox-views.ts';
import type { SandboxCommand } from '../sandbox/commands.ts';
import { decide } from '../sandbox/decide.ts';
import type { RecordedEvent, SandboxEvent } from '../sandbox/events.ts';
import { evolveAll, type SandboxState } from '../sandbox/state.ts';
import type { SandboxProjector } from './projector.ts';

/** Something that acts on new commits (the lifecycle, publishers). */
export type CommitReactor = (commit: Commit) => Promise<void>;

export interface LoadedSandbox {
  state: SandboxState;
  revision: number;
}

const MAX_ATTEMPTS = 10;

/**
 * Runs a command against one sandbox stream: load (projection plus the
 * stream's tail, so a lagging projection is never decided on), decide,
 * append with the revision it read, project, and let reactors act. A
 * concurrent writer makes the append fail; the command is then decided
 * again on the new state, which is safe because decisions are idempotent.
 */
export class SandboxCommandHandler {
  private readonly reactors: CommitReactor[] = [];

  constructor(
    private readonly events: EventStore,
    private readonly views: SandboxViews,
    private readonly projector: SandboxProjector,
    private readonly clock: Clock,
  ) {}

  /** Reactors run after projection, in the order they were added. */
  onCommit(reactor: CommitReactor): void {
    this.reactors.push(reactor);
  }

  async load(sandboxId: string): Promise<LoadedSandbox> {
    const view = await this.views.get(sandboxId);
    let state = view?.sandbox;
    let revision = view?.revision ?? 0;

    for await (const commit of this.events.read(sandboxId, revision)) {
      state = evolveAll(state, commit.events as RecordedEvent[]);
      revision = commit.revision;
    }
    return { state, revision };
  }

  async execute(
    sandboxId: string,
    command: SandboxCommand,
  ): Promise<SandboxState> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(sandboxId);
      const decided = decide(command, state);
      if (decided.length === 0) return state;

      const events = this.stamp(decided, state?.version ?? 0);
      try {
        const commit = await this.events.append(sandboxId, revision, events);
        await this.projector.apply(commit);
        for (const react of this.reactors) await react(commit);
        return evolveAll(state, events as RecordedEvent[]);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  private stamp(decided: SandboxEvent[], lastVersion: number): StoredEvent[] {
    const at = this.clock.now().toISOString();
    return decided.map((event, index) => ({
      ...event,
      at,
      version: lastVersion + index + 1,
    }));
  }
}
