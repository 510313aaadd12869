import type { ActivityStore } from '../ports/activity-store.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  ExecRequest,
  ExecResult,
  FileEntry,
  SandboxRuntime,
} from '../ports/sandbox-runtime.ts';
import type { SandboxService } from './sandbox-service.ts';

/**
 * Commands and files inside a sandbox. Each call wakes a stopped sandbox
 * first, so an agent never has to remember whether it was shut down, and
 * counts as use of it, so idle shutdown leaves it be.
 */
export class SandboxWorkspace {
  constructor(
    private readonly sandboxes: SandboxService,
    private readonly runtime: SandboxRuntime,
    private readonly activity: Pick<ActivityStore, 'touch'>,
    private readonly clock: Clock,
  ) {}

  private async use(tenantId: string, sandboxId: string): Promise<void> {
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
    await this.touch(sandboxId);
  }

  private touch(sandboxId: string): Promise<void> {
    return this.activity.touch(sandboxId, this.clock.now().toISOString());
  }

  async exec(
    tenantId: string,
    sandboxId: string,
    request: ExecRequest,
  ): Promise<ExecResult> {
    await this.use(tenantId, sandboxId);
    try {
      return await this.runtime.exec(sandboxId, request);
    } finally {
      // A long exec ends later than its start: that moment counts too.
      await this.touch(sandboxId);
    }
  }

  async list(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<FileEntry[]> {
    await this.use(tenantId, sandboxId);
    return this.runtime.files.list(sandboxId, path);
  }

  async read(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<{ entry: FileEntry; body: ReadableStream<Uint8Array> }> {
    await this.use(tenantId, sandboxId);
    const entry = await this.runtime.files.stat(sandboxId, path);
    const body = await this.runtime.files.read(sandboxId, path);
    return { entry, body };
  }

  async write(
    tenantId: string,
    sandboxId: string,
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry> {
    await this.use(tenantId, sandboxId);
    return this.runtime.files.write(sandboxId, path, body, maxBytes);
  }

  async remove(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<void> {
    await this.use(tenantId, sandboxId);
    await this.runtime.files.remove(sandboxId, path);
  }
}
