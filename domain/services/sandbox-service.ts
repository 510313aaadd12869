import {
  ConflictError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../errors.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { EventStore, StoredEvent } from '../ports/event-store.ts';
import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import type { NameRegistry, SandboxViews } from '../ports/sandbox-views.ts';
import type {
  CreateSandboxInput,
  SandboxCommand,
  UpdateSandboxInput,
} from '../sandbox/commands.ts';
import type { StopReason } from '../sandbox/events.ts';
import type { Sandbox } from '../sandbox/state.ts';
import type { SandboxCommandHandler } from './command-handler.ts';

export interface EventPage {
  items: StoredEvent[];
  /** Pass as `after` to read on; absent on the last page. */
  nextAfter?: number;
}

/**
 * What the API offers on sandboxes, per tenant. A sandbox of another
 * tenant is reported as missing, never as forbidden, so ids leak nothing.
 */
export class SandboxService {
  constructor(
    private readonly handler: SandboxCommandHandler,
    private readonly views: SandboxViews,
    private readonly events: EventStore,
    private readonly names: NameRegistry,
    private readonly runtime: SandboxRuntime,
    private readonly ids: IdGenerator,
    /** Resolves once the side effects of the sandbox's commands ran. */
    readonly settled: (sandboxId: string) => Promise<void>,
  ) {}

  async create(tenantId: string, input: CreateSandboxInput): Promise<Sandbox> {
    if (!this.runtime.images.includes(input.image)) {
      throw new ValidationError('this platform cannot run that image', [
        {
          field: 'image',
          message: `one of: ${this.runtime.images.join(', ')}`,
        },
      ]);
    }

    const sandboxId = this.ids.sandboxId();
    await this.claimName(tenantId, input.name, sandboxId);

    await this.handler.execute(sandboxId, {
      type: 'CreateSandbox',
      data: { ...input, sandboxId, tenantId },
    });
    await this.settled(sandboxId);
    return this.get(tenantId, sandboxId);
  }

  /**
   * Claims a name for a new sandbox. A claim still held by a deleted
   * sandbox (a crash fell between its deletion and the release) is
   * taken over; a live one is a conflict.
   */
  private async claimName(
    tenantId: string,
    name: string,
    sandboxId: string,
  ): Promise<void> {
    const holder = await this.names.claim(tenantId, name, sandboxId);
    if (holder === sandboxId) return;

    const { state } = await this.handler.load(holder);
    const stale = state?.status === 'deleted';
    if (
      stale &&
      (await this.names.takeOver(tenantId, name, holder, sandboxId))
    ) {
      return;
    }
    throw new ConflictError(`the name ${name} is taken by sandbox ${holder}`);
  }

  async list(
    tenantId: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<Sandbox[]> {
    const sandboxes = await this.views.list(tenantId);
    if (options.includeDeleted) return sandboxes;
    return sandboxes.filter((sandbox) => sandbox.status !== 'deleted');
  }

  async get(tenantId: string, sandboxId: string): Promise<Sandbox> {
    const { state } = await this.handler.load(sandboxId);
    if (!state || state.tenantId !== tenantId) {
      throw new NotFoundError(`no sandbox ${sandboxId}`);
    }
    return state;
  }

  start = (tenantId: string, sandboxId: string) =>
    this.command(tenantId, sandboxId, {
      type: 'StartSandbox',
      data: { reason: 'user' },
    });

  stop = (tenantId: string, sandboxId: string, reason: StopReason = 'user') =>
    this.command(tenantId, sandboxId, {
      type: 'StopSandbox',
      data: { reason },
    });

  restart = (tenantId: string, sandboxId: string) =>
    this.command(tenantId, sandboxId, { type: 'RestartSandbox', data: {} });

  update = (tenantId: string, sandboxId: string, input: UpdateSandboxInput) =>
    this.command(tenantId, sandboxId, { type: 'UpdateSandbox', data: input });

  delete = (tenantId: string, sandboxId: string, keepSnapshots = false) =>
    this.command(tenantId, sandboxId, {
      type: 'DeleteSandbox',
      data: { keepSnapshots },
    });

  /**
   * Makes sure the sandbox runs, waking it when stopped. Another request
   * may be starting or stopping it right now: then wait for that to end.
   */
  async ensureRunning(tenantId: string, sandboxId: string): Promise<Sandbox> {
    const deadline = Date.now() + WAKE_TIMEOUT_MS;

    while (Date.now() < deadline) {
      const sandbox = await this.get(tenantId, sandboxId);
      switch (sandbox.status) {
        case 'running':
          return sandbox;
        case 'stopped':
          await this.wake(tenantId, sandboxId);
          break;
        case 'deleting':
        case 'deleted':
          throw new IllegalStateError(
            `sandbox ${sandboxId} is ${sandbox.status}`,
          );
        default:
          await this.settled(sandboxId);
          await sleep(WAKE_POLL_MS);
      }
    }
    throw new IllegalStateError(
      `sandbox ${sandboxId} did not reach running within ` +
        `${WAKE_TIMEOUT_MS / 1000} s: retry, or stop and start it`,
    );
  }

  private async wake(tenantId: string, sandboxId: string): Promise<void> {
    await this.handler.execute(sandboxId, {
      type: 'StartSandbox',
      data: { reason: 'wake' },
    });
    await this.settled(sandboxId);

    const woken = await this.get(tenantId, sandboxId);
    if (woken.status === 'stopped' && woken.lastError) {
      throw new IllegalStateError(
        `sandbox ${sandboxId} failed to start: ${woken.lastError}`,
      );
    }
  }

  async history(
    tenantId: string,
    sandboxId: string,
    page: { after: number; limit: number },
  ): Promise<EventPage> {
    await this.get(tenantId, sandboxId);

    const items: StoredEvent[] = [];
    for await (const commit of this.events.read(sandboxId)) {
      for (const event of commit.events) {
        if (event.version <= page.after) continue;
        if (items.length === page.limit) {
          return { items, nextAfter: items.at(-1)?.version };
        }
        items.push(event);
      }
    }
    return { items };
  }

  /** Runs a command for the tenant and answers with its outcome. */
  async command(
    tenantId: string,
    sandboxId: string,
    command: SandboxCommand,
  ): Promise<Sandbox> {
    await this.get(tenantId, sandboxId);
    await this.handler.execute(sandboxId, command);
    await this.settled(sandboxId);
    return this.get(tenantId, sandboxId);
  }
}

const WAKE_TIMEOUT_MS = 30_000;
const WAKE_POLL_MS = 50;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
