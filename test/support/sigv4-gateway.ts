import { createHash, createHmac } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Gateway {
  url: string;
  /** Requests refused, with why: what a caller's fix would start from. */
  refused: string[];
  /** Requests let through to the platform behind. */
  passed: number;
  close(): Promise<void>;
}

/** How far a request's X-Amz-Date may be from now, as AWS allows. */
const SKEW_MS = 5 * 60_000;

/**
 * Stands in for API Gateway's IAM authorizer in front of a platform:
 * checks each request's SigV4 signature for `execute-api` in `region`,
 * written here from the spec rather than with the SDK that signs, and
 * forwards the good ones to `upstream`, answering the others 403 with
 * API Gateway's own body.
 */
export async function startSigV4Gateway(options: {
  upstream: string;
  region: string;
  credentials: GatewayCredentials;
}): Promise<SigV4Gateway> {
  const gateway = { refused: [] as string[], passed: 0 };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await bodyOf(request);
    const problem = whyRefused(request, body, options);
    if (problem) {
      gateway.refused.push(problem);
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end('{"message":"Forbidden"}');
      return;
    }

    gateway.passed += 1;
    const forwarded = await fetch(`${options.upstream}${request.url}`, {
      method: request.method,
      headers: {
        'content-type': request.headers['content-type'] ?? '',
        accept: request.headers.accept ?? '*/*',
      },
      body: body.length > 0 ? body : undefined,
    });
    response.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? '',
    });
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return gateway.refused;
    },
    get passed() {
      return gateway.passed;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function whyRefused(
  request: IncomingMessage,
  body: Buffer,
  options: { region: string; credentials: GatewayCredentials },
): string | undefined {
  const authorization = request.headers.authorization ?? '';
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!parsed) return 'no SigV4 Authorization header';
  const [, keyId, day, region, service, signedHeaders, signature] = parsed;

  if (keyId !== options.credentials.accessKeyId) return 'unknown access key';
  if (region !== options.region) return `signed for region ${region}`;
  if (service !== 'execute-api') return `signed for service ${service}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day ?? '-')) return 'date and scope disagree';
  if (Math.abs(Date.now() - dateOf(amzDate)) > SKEW_MS) return 'stale date';
  const names = (signedHeaders ?? '').split(';');
  if (!names.includes('host')) return 'host not signed';

  const canonical = [
    request.method,
    canonicalPath(request.url ?? '/'),
    canonicalQuery(request.url ?? '/'),
    ...names.map((name) => `${name}:${headerValue(request, name)}`),
    '',
    signedHeaders,
    sha256Hex(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)];
  const dayKey = hmac(`AWS4${options.credentials.secretAccessKey}`, day);
  const regionKey = hmac(dayKey, region ?? '');
  const key = hmac(hmac(regionKey, service ?? ''), 'aws4_request');
  const expected = hmac(key, toSign.join('\n')).toString('hex');
  return expected === signature ? undefined : 'signature does not match';
}

/** Each segment encoded, then encoded again, as non-S3 services sign. */
function canonicalPath(url: string): string {
  const path = new URL(url, 'http://x').pathname;
  return path
    .split('/')
    .map((segment) => encode(encode(decodeURIComponent(segment))))
    .join('/');
}

function canonicalQuery(url: string): string {
  const pairs = [...new URL(url, 'http://x').searchParams].map(
    ([name, value]) => `${encode(name)}=${encode(value)}`,
  );
  return pairs.sort().join('&');
}

/** RFC 3986 unreserved characters stay; everything else is %XX. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

const dateOf = (amz: string) =>
  Date.parse(
    amz.replace(
      /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
      '$1-$2-$3T$4:$5:$6Z',
    ),
  );

const sha256Hex = (data: string | Buffer) =>
  createHash('sha256').update(data).digest('hex');

const hmac = (key: string | Buffer, data = '') =>
  createHmac('sha256', key).update(data).digest();

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
