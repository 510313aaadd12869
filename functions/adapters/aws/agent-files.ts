import type {
  FileEntry,
  SandboxFiles,
} from '../../../domain/ports/sandbox-runtime.ts';
import type { AgentClient } from './agent-client.ts';

/** A sandbox's files through its task's agent. */
export class AgentFiles implements SandboxFiles {
  constructor(
    private readonly agentOf: (sandboxId: string) => Promise<AgentClient>,
  ) {}

  async stat(sandboxId: string, path: string): Promise<FileEntry> {
    return (await this.agentOf(sandboxId)).stat(path);
  }

  async list(sandboxId: string, path: string): Promise<FileEntry[]> {
    return (await this.agentOf(sandboxId)).list(path);
  }

  async read(
    sandboxId: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    return (await this.agentOf(sandboxId)).read(path);
  }

  async write(
    sandboxId: string,
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry> {
    return (await this.agentOf(sandboxId)).write(path, body, maxBytes);
  }

  async remove(sandboxId: string, path: string): Promise<void> {
    await (await this.agentOf(sandboxId)).remove(path);
  }
}
