import type {
  ExecRequest,
  ExecResult,
  FileEntry,
} from '../../../domain/ports/sandbox-runtime.ts';
import {
  type AgentHealth,
  type AgentMetrics,
  agentHealthSchema,
  agentMetricsSchema,
} from '../../agent/protocol.ts';
import { Deadline } from './agent-deadline.ts';
import { errorOfResponse, failureOf } from './agent-errors.ts';

export interface AgentClientOptions {
  /** The task's agent, e.g. `http://10.0.3.17:7070` (see agentBaseUrl). */
  baseUrl: string;
  /** The sandbox's token: agentToken(signingKey, sandboxId). */
  token: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * How long the agent may take to start answering; an upload restarts
   * it with every chunk sent, an exec adds its own timeout. Default 30 s.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

type Query = Record<string, string | number>;

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  json?: unknown;
  bytes?: ReadableStream<Uint8Array>;
  timeoutMs?: number;
}

/**
 * The platform's side of the sandbox agent protocol v1: exec, files and
 * metrics of one sandbox's task. The agent's problems come back as the
 * domain's errors (ValidationError, NotFoundError, PayloadTooLargeError);
 * a task that does not answer is an AgentUnreachableError. File bodies
 * stream both ways.
 */
export class AgentClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: AgentClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const timeoutMs = this.timeoutMs + request.timeoutSeconds * 1000;
    const response = await this.send({
      method: 'POST',
      path: '/v1/exec',
      json: request,
      timeoutMs,
    });
    return (await response.json()) as ExecResult;
  }

  async stat(path: string): Promise<FileEntry> {
    const response = await this.send({
      method: 'GET',
      path: '/v1/files/stat',
      query: { path },
    });
    return (await response.json()) as FileEntry;
  }

  async list(path: string): Promise<FileEntry[]> {
    const response = await this.send({
      method: 'GET',
      path: '/v1/files/list',
      query: { path },
    });
    return ((await response.json()) as { items: FileEntry[] }).items;
  }

  async read(path: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send({
      method: 'GET',
      path: '/v1/files/content',
      query: { path },
    });
    return response.body ?? new Blob([]).stream();
  }

  async write(
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry> {
    const response = await this.send({
      method: 'PUT',
      path: '/v1/files/content',
      query: { path, maxBytes },
      bytes: body,
    });
    return (await response.json()) as FileEntry;
  }

  async remove(path: string): Promise<void> {
    await this.send({ method: 'DELETE', path: '/v1/files', query: { path } });
  }

  async metrics(): Promise<AgentMetrics> {
    const response = await this.send({ method: 'GET', path: '/v1/metrics' });
    return agentMetricsSchema.parse(await response.json());
  }

  /** Needs no token: whether the task's agent is up, and whose it is. */
  async healthz(): Promise<AgentHealth> {
    const response = await this.send({ method: 'GET', path: '/v1/healthz' });
    return agentHealthSchema.parse(await response.json());
  }

  private async send(call: Call): Promise<Response> {
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    const deadline = new Deadline(timeoutMs);
    const url = this.urlOf(call.path, call.query);

    let response: Response;
    try {
      response = await this.fetchImpl(url, this.initOf(call, deadline));
    } catch (error) {
      throw failureOf(this.baseUrl, error, deadline.expired, timeoutMs);
    } finally {
      // The headers are in: a long download may take as long as it needs.
      deadline.disarm();
    }

    if (!response.ok) throw await errorOfResponse(this.baseUrl, response);
    return response;
  }

  private initOf(call: Call, deadline: Deadline): RequestInit {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    const init = { method: call.method, headers, signal: deadline.signal };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      return { ...init, body: JSON.stringify(call.json) };
    }
    if (call.bytes !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      const body = call.bytes.pipeThrough(deadline.restartOnEachChunk());
      // A stream body must be sent half-duplex (fetch refuses otherwise).
      return { ...init, body, duplex: 'half' } as RequestInit;
    }
    return init;
  }

  private urlOf(path: string, query: Query = {}): string {
    const url = new URL(path, `${this.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) {
      url.searchParams.set(name, String(value));
    }
    return url.toString();
  }
}
