import type {
  ExecRequest,
  ExecResult,
  FileEntry,
  SandboxRuntime,
} from '../ports/sandbox-runtime.ts';
import type { SandboxService } from './sandbox-service.ts';

/**
 * Commands and files inside a sandbox. Each call wakes a stopped sandbox
 * first, so an agent never has to remember whether it was shut down.
 */
export class SandboxWorkspace {
  constructor(
    private readonly sandboxes: SandboxService,
    private readonly runtime: SandboxRuntime,
  ) {}

  async exec(
    tenantId: string,
    sandboxId: string,
    request: ExecRequest,
  ): Promise<ExecResult> {
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
    return this.runtime.exec(sandboxId, request);
  }

  async list(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<FileEntry[]> {
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
    return this.runtime.files.list(sandboxId, path);
  }

  async read(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<{ entry: FileEntry; body: ReadableStream<Uint8Array> }> {
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
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
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
    return this.runtime.files.write(sandboxId, path, body, maxBytes);
  }

  async remove(
    tenantId: string,
    sandboxId: string,
    path: string,
  ): Promise<void> {
    await this.sandboxes.ensureRunning(tenantId, sandboxId);
    await this.runtime.files.remove(sandboxId, path);
  }
}
