import type { Commit } from '../ports/event-store.ts';
import type { Log } from '../ports/log.ts';
import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import type { NameRegistry } from '../ports/sandbox-views.ts';
import type { RecordedEvent } from '../sandbox/events.ts';
import { SANDBOX_SIZES } from '../sandbox/sizes.ts';
import type { Sandbox } from '../sandbox/state.ts';
import type { SandboxCommandHandler } from './command-handler.ts';

/**
 * The process manager between the event log and the runtime: a request
 * event makes the runtime act, and the outcome goes back into the stream
 * as a `Record*` command. Locally it runs right after each commit; the
 * start-up repair pass calls `settle` to finish what a crash interrupted.
 */
export class SandboxLifecycle {
  constructor(
    private readonly handler: SandboxCommandHandler,
    private readonly runtime: SandboxRuntime,
    private readonly names: NameRegistry,
    private readonly log: Log,
  ) {}

  readonly react = async (commit: Commit): Promise<void> => {
    const last = commit.events.at(-1) as RecordedEvent | undefined;
    if (!last) return;

    const { state } = await this.handler.load(commit.streamId);
    if (state && state.version === last.version) await this.settle(state);
  };

  /** Drives a sandbox in a transitional status to where it is heading. */
  async settle(sandbox: Sandbox): Promise<void> {
    switch (sandbox.status) {
      case 'starting':
        return this.start(sandbox);
      case 'stopping':
        await this.runtime.stop(sandbox.id);
        await this.record(sandbox.id, 'RecordSandboxStopped');
        return;
      case 'deleting':
        await this.runtime.destroy(sandbox.id);
        await this.record(sandbox.id, 'RecordSandboxDeleted');
        return;
      case 'deleted':
        await this.names.release(sandbox.tenantId, sandbox.name, sandbox.id);
        return;
      default:
        return;
    }
  }

  private async start(sandbox: Sandbox): Promise<void> {
    try {
      const isolation = await this.runtime.start({
        id: sandbox.id,
        image: sandbox.image,
        resources: SANDBOX_SIZES[sandbox.size],
      });
      await this.handler.execute(sandbox.id, {
        type: 'RecordSandboxStarted',
        data: { isolation },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error('sandbox start failed', {
        sandboxId: sandbox.id,
        error,
      });
      await this.runtime.stop(sandbox.id).catch(() => undefined);
      await this.handler.execute(sandbox.id, {
        type: 'RecordSandboxStartFailed',
        data: { error: message },
      });
    }
  }

  private async record(
    sandboxId: string,
    type: 'RecordSandboxStopped' | 'RecordSandboxDeleted',
  ): Promise<void> {
    await this.handler.execute(sandboxId, { type, data: {} });
  }
}
