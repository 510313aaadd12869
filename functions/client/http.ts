import {
  ApiError,
  ConnectionError,
  isUnreachable,
  PlatformUnreachableError,
  SigningError,
} from './errors.ts';
import type { Problem } from './types.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as the raw body, `application/octet-stream`. */
  bytes?: Uint8Array | ReadableStream<Uint8Array>;
}

/**
 * The one place that talks HTTP: it builds the URL, sends the body, and
 * turns every non-2xx answer into an ApiError and every failed connection
 * into an error that says where the platform was expected.
 */
export class HttpTransport {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  async send(request: HttpRequest): Promise<Response> {
    const url = this.urlOf(request.path, request.query);
    const init = initOf(request);

    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (error) {
      if (error instanceof SigningError) throw error;
      if (isUnreachable(error)) {
        throw new PlatformUnreachableError(this.baseUrl, { cause: error });
      }
      throw new ConnectionError(this.baseUrl, { cause: error });
    }

    if (!response.ok) throw new ApiError(await problemOf(response));
    return response;
  }

  async json<T>(request: HttpRequest): Promise<T> {
    const response = await this.send(request);
    return (await response.json()) as T;
  }

  private urlOf(path: string, query: Query = {}): string {
    // Relative to the base, so a base with a path (a stage) is kept.
    const url = new URL(path.replace(/^\//, ''), `${this.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }
}

function initOf(request: HttpRequest): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    const body = JSON.stringify(request.json);
    return { method: request.method, headers, body };
  }
  if (request.bytes !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    // A stream body must be sent half-duplex (fetch refuses otherwise).
    return {
      method: request.method,
      headers,
      body: request.bytes,
      duplex: 'half',
    };
  }
  return { method: request.method, headers };
}

/** The problem+json body, or one made up when a proxy answered instead. */
async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  let body: Partial<Problem> & { message?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed;
  } catch {
    // Not JSON: described below from the status line and the text.
  }
  if (typeof body.detail === 'string' && typeof body.code === 'string') {
    return { ...body, status: response.status } as Problem;
  }
  if (response.status === 403 && typeof body.message === 'string') {
    return gatewayRefusal(response, body.message);
  }

  const detail = text.trim().slice(0, 200) || response.statusText;
  return {
    type: 'about:blank',
    title: response.statusText,
    status: response.status,
    detail: `HTTP ${response.status}: ${detail}`,
    code: 'unexpected',
  };
}

/** API Gateway's own 403 (`{"message": ...}`): the IAM authorizer said no. */
function gatewayRefusal(response: Response, message: string): Problem {
  return {
    type: 'about:blank',
    title: response.statusText,
    status: 403,
    detail:
      `HTTP 403 from API Gateway (${message}): sign requests with ` +
      '--sign-region (or AUTERYN_SIGN_REGION), and check that your AWS ' +
      'identity may call execute-api:Invoke on this API',
    code: 'forbidden',
  };
}
