import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuterynClient,
  PlatformUnreachableError,
} from '../../functions/client/index.ts';

/** A client whose every request gets `response`. */
const answeredWith = (response: Response) =>
  new AuterynClient({
    baseUrl: 'http://platform.test',
    fetch: async () => response.clone(),
  });

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error();
  return address.port;
}

describe('client errors', () => {
  it('turns a problem+json answer into an ApiError with its fields', async () => {
    const client = answeredWith(
      Response.json(
        {
          type: 'https://auteryn.dev/problems/validation',
          title: 'Bad Request',
          status: 400,
          detail: 'the request does not match the API: see fields',
          code: 'validation',
          fields: [{ field: 'json.size', message: 'small, medium or large' }],
        },
        { status: 400 },
      ),
    );

    const error = await client.getSandbox('sbx-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation',
      detail: 'the request does not match the API: see fields',
      fields: [{ field: 'json.size', message: 'small, medium or large' }],
    });
    expect((error as ApiError).message).toBe(
      'the request does not match the API: see fields\n' +
        '  json.size: small, medium or large',
    );
  });

  it('describes an answer that is not a problem by its status', async () => {
    const client = answeredWith(
      new Response('<html>Bad Gateway</html>', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );

    const error = await client.listSandboxes().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'unexpected' });
    expect((error as ApiError).message).toContain('HTTP 502');
  });

  it('says where it looked when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = new AuterynClient({ baseUrl: url });

    const error = await client.listSandboxes().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect((error as Error).message).toContain(`not reachable at ${url}`);
    expect((error as Error).message).toContain('npm start');
    expect((error as Error).message).toContain('AUTERYN_URL');
  });

  it('keeps the path of a base URL that has one', async () => {
    const seen: string[] = [];
    const client = new AuterynClient({
      baseUrl: 'https://api.example.test/prod/',
      fetch: async (input) => {
        seen.push(String(input));
        return Response.json({ items: [] });
      },
    });

    await client.listFiles('sbx-1', '/home/agent/a b');

    expect(seen).toEqual([
      'https://api.example.test/prod/v1/sandboxes/sbx-1/files' +
        '?path=%2Fhome%2Fagent%2Fa+b',
    ]);
  });
});
