import { HttpTransport } from './http.ts';
import { SANDBOXES, sandboxPath } from './paths.ts';
import { SnapshotMethods } from './snapshot-methods.ts';
import type {
  CreateSandboxRequest,
  EventPage,
  ExecRequest,
  ExecResult,
  FileEntry,
  Sandbox,
  SandboxEvent,
  SandboxMetrics,
  SandboxStatus,
  SandboxUsageReport,
  UpdateSandboxRequest,
  UploadBody,
} from './types.ts';
import { pollForStatus, type WaitOptions } from './wait.ts';

export interface AuterynClientOptions {
  /** Where the platform listens, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** Defaults to the global fetch; pass one to add auth or to test. */
  fetch?: typeof fetch;
}

/**
 * A typed client for the Auteryn HTTP API v1. Every method resolves with
 * the API's own shapes; a non-2xx answer rejects with ApiError and an
 * unreachable platform with PlatformUnreachableError. The snapshot and
 * restore methods come from SnapshotMethods.
 */
export class AuterynClient extends SnapshotMethods {
  protected readonly http: HttpTransport;

  constructor(options: AuterynClientOptions) {
    super();
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.http = new HttpTransport(baseUrl, options.fetch ?? fetch);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  createSandbox(input: CreateSandboxRequest): Promise<Sandbox> {
    return this.http.json({ method: 'POST', path: SANDBOXES, json: input });
  }

  async listSandboxes(
    options: { includeDeleted?: boolean } = {},
  ): Promise<Sandbox[]> {
    const page = await this.http.json<{ items: Sandbox[] }>({
      method: 'GET',
      path: SANDBOXES,
      query: { includeDeleted: options.includeDeleted },
    });
    return page.items;
  }

  getSandbox(id: string): Promise<Sandbox> {
    return this.http.json({ method: 'GET', path: sandboxPath(id) });
  }

  startSandbox = (id: string) => this.lifecycle(id, 'start');
  stopSandbox = (id: string) => this.lifecycle(id, 'stop');
  restartSandbox = (id: string) => this.lifecycle(id, 'restart');

  updateSandbox(id: string, patch: UpdateSandboxRequest): Promise<Sandbox> {
    return this.http.json({
      method: 'PATCH',
      path: sandboxPath(id),
      json: patch,
    });
  }

  /**
   * Asks for deletion; the sandbox passes through `deleting`. Its
   * snapshots go with it unless `keepSnapshots` is true.
   */
  deleteSandbox(
    id: string,
    options: { keepSnapshots?: boolean } = {},
  ): Promise<Sandbox> {
    return this.http.json({
      method: 'DELETE',
      path: sandboxPath(id),
      query: { keepSnapshots: options.keepSnapshots },
    });
  }

  /** Runs `command` with bash inside the sandbox, waking it if stopped. */
  exec(id: string, request: ExecRequest): Promise<ExecResult> {
    const path = `${sandboxPath(id)}/exec`;
    return this.http.json({ method: 'POST', path, json: request });
  }

  /** The entries of a folder; `/home/agent` when no path is given. */
  async listFiles(id: string, path?: string): Promise<FileEntry[]> {
    const page = await this.http.json<{ items: FileEntry[] }>({
      method: 'GET',
      path: `${sandboxPath(id)}/files`,
      query: { path },
    });
    return page.items;
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    const response = await this.fileContent(id, path);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** The file's bytes as they arrive, for files too big to hold. */
  async readFileStream(
    id: string,
    path: string,
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.fileContent(id, path);
    return response.body ?? new Blob([]).stream();
  }

  /** Writes the body to `path`, creating its folders. */
  writeFile(id: string, path: string, body: UploadBody): Promise<FileEntry> {
    const bytes =
      typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return this.http.json({
      method: 'PUT',
      path: `${sandboxPath(id)}/files/content`,
      query: { path },
      bytes,
    });
  }

  /** Removes a file, or a folder with everything in it. */
  async removeFile(id: string, path: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `${sandboxPath(id)}/files`,
      query: { path },
    });
  }

  /** One page of the sandbox's history, oldest first. */
  events(
    id: string,
    page: { after?: number; limit?: number } = {},
  ): Promise<EventPage> {
    return this.http.json({
      method: 'GET',
      path: `${sandboxPath(id)}/events`,
      query: { after: page.after, limit: page.limit },
    });
  }

  /** Every event after `after`, fetching page after page as needed. */
  async *allEvents(
    id: string,
    options: { after?: number; pageSize?: number } = {},
  ): AsyncGenerator<SandboxEvent> {
    let after: number | undefined = options.after;
    do {
      const page = await this.events(id, { after, limit: options.pageSize });
      yield* page.items;
      after = page.nextAfter;
    } while (after !== undefined);
  }

  /**
   * Polls until the sandbox is in one of `statuses` and returns it; fails
   * with WaitTimeoutError once `timeoutMs` has passed.
   */
  waitForStatus(
    id: string,
    statuses: readonly SandboxStatus[],
    options: WaitOptions,
  ): Promise<Sandbox> {
    return pollForStatus((at) => this.getSandbox(at), id, statuses, options);
  }

  private lifecycle(
    id: string,
    action: 'start' | 'stop' | 'restart',
  ): Promise<Sandbox> {
    return this.http.json({
      method: 'POST',
      path: `${sandboxPath(id)}/${action}`,
    });
  }

  /** CPU, memory, disk, last activity and snapshot age, right now. */
  metrics(id: string): Promise<SandboxMetrics> {
    return this.http.json({
      method: 'GET',
      path: `${sandboxPath(id)}/metrics`,
    });
  }

  /** Running time and cost per day; `from`/`to` are YYYY-MM-DD. */
  usage(
    id: string,
    range: { from?: string; to?: string } = {},
  ): Promise<SandboxUsageReport> {
    return this.http.json({
      method: 'GET',
      path: `${sandboxPath(id)}/usage`,
      query: range,
    });
  }

  private fileContent(id: string, path: string): Promise<Response> {
    return this.http.send({
      method: 'GET',
      path: `${sandboxPath(id)}/files/content`,
      query: { path },
    });
  }
}
