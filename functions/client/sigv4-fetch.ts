import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, SourceData } from '@smithy/types';
import { SigningError } from './errors.ts';

/**
 * API Gateway caps a request body at 10 MB, so a streamed body is read
 * whole before signing (SigV4 signs the body's SHA-256; execute-api has
 * no unsigned-payload mode). Past this, the request is refused here.
 */
export const MAX_SIGNED_BODY_BYTES = 10 * 1024 * 1024;

export interface SignedFetchOptions {
  /** The region the API is deployed in, e.g. `eu-west-1`. */
  region: string;
  /** Defaults to the AWS SDK's chain: env, profile, SSO, instance role. */
  credentials?: AwsCredentialIdentityProvider;
}

/**
 * A fetch that signs every request with SigV4 for `execute-api`, as
 * the deployed API's IAM authorizer demands. The caller's IAM identity
 * is also the tenant: each caller sees only its own sandboxes.
 */
export function signedFetch(options: SignedFetchOptions): typeof fetch {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });

  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const body = await bodyBytes(init.body);
    const headers = Object.fromEntries(new Headers(init.headers).entries());

    const signed = await signer
      .sign({
        method: init.method ?? 'GET',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: queryOf(url),
        headers: { ...headers, host: url.host },
        body,
      })
      .catch((error: unknown) => {
        throw new SigningError(
          `cannot sign the request for ${options.region}: ` +
            `${error instanceof Error ? error.message : String(error)}; ` +
            'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and ' +
            'AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`',
          { cause: error },
        );
      });

    // fetch sets the host itself, from the URL the signature covers.
    const { host: _host, ...sent } = signed.headers;
    return fetch(url, { ...init, headers: sent, body, duplex: undefined });
  };
}

/** The region of a `https://{id}.execute-api.{region}.amazonaws.com` URL. */
export function executeApiRegion(baseUrl: string): string | undefined {
  if (!URL.canParse(baseUrl)) return undefined;
  const { hostname } = new URL(baseUrl);
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(hostname)?.[1];
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

async function bodyBytes(
  body: RequestInit['body'],
): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (!(body instanceof ReadableStream)) {
    throw new SigningError(
      'a signed request takes a string, bytes or a stream',
    );
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as ReadableStream<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_SIGNED_BODY_BYTES) {
      await body.cancel().catch(() => undefined);
      throw new SigningError(
        `a body over ${MAX_SIGNED_BODY_BYTES} bytes cannot go through ` +
          'API Gateway; put the file in the sandbox another way ' +
          '(exec with curl, or an S3 pre-signed URL)',
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the SDK's shape. */
class NodeSha256 {
  private hash: Hash | Hmac;

  private readonly secret?: string | Uint8Array;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytesOf(secret);
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh() {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', this.secret);
  }
}

function bytesOf(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
