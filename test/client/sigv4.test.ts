import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuterynClient,
  executeApiRegion,
  MAX_SIGNED_BODY_BYTES,
  SigningError,
  signedFetch,
} from '../../functions/client/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  type SigV4Gateway,
  startSigV4Gateway,
} from '../support/sigv4-gateway.ts';

const REGION = 'eu-west-1';
const credentials = {
  accessKeyId: 'AKIATESTSIGNER',
  secretAccessKey: 'test-secret-not-a-real-key',
};

/** The AWS chain finds nothing: no env keys, files, SSO or IMDS. */
const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
  AWS_WEB_IDENTITY_TOKEN_FILE: '',
};

/**
 * A deployed API takes only SigV4-signed calls. A gateway that checks
 * signatures as API Gateway's IAM authorizer does stands in front of a
 * real platform; the client and the CLI go through it.
 */
describe('signing requests for a deployed API', () => {
  let platform: TestPlatform;
  let gateway: SigV4Gateway;
  let client: AuterynClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    gateway = await startSigV4Gateway({
      upstream: platform.url,
      region: REGION,
      credentials,
    });
    client = new AuterynClient({
      baseUrl: gateway.url,
      fetch: signedFetch({
        region: REGION,
        credentials: async () => credentials,
      }),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await platform?.close();
  });

  it('gets through with every kind of request the client makes', async () => {
    const created = await client.createSandbox({ name: 'signed' });
    await client.writeFile(created.id, '/home/agent/a b+c.txt', streamOf('hi'));
    const listed = await client.listSandboxes({ includeDeleted: true });
    const content = await client.readFile(created.id, '/home/agent/a b+c.txt');

    expect(gateway.refused).toEqual([]);
    expect(listed.map((s) => s.id)).toContain(created.id);
    expect(new TextDecoder().decode(content)).toBe('hi');
  });

  it('is refused unsigned, saying how to sign', async () => {
    const unsigned = new AuterynClient({ baseUrl: gateway.url });

    const refused = unsigned.listSandboxes();

    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toThrow(/403 .*--sign-region/);
    expect(gateway.refused.at(-1)).toBe('no SigV4 Authorization header');
  });

  it('is refused signed for another region', async () => {
    const elsewhere = new AuterynClient({
      baseUrl: gateway.url,
      fetch: signedFetch({
        region: 'us-east-1',
        credentials: async () => credentials,
      }),
    });

    await expect(elsewhere.listSandboxes()).rejects.toThrow(/403/);
    expect(gateway.refused.at(-1)).toBe('signed for region us-east-1');
  });

  it('refuses a body API Gateway would not take, sending nothing', async () => {
    const before = gateway.passed + gateway.refused.length;
    const [sandbox] = await client.listSandboxes();

    const upload = client.writeFile(
      sandbox?.id ?? '',
      '/home/agent/big',
      streamOf('x'.repeat(MAX_SIGNED_BODY_BYTES + 1)),
    );

    await expect(upload).rejects.toBeInstanceOf(SigningError);
    expect(gateway.passed + gateway.refused.length).toBe(before + 1);
  });

  it('knows the region from an execute-api URL', () => {
    const url = 'https://abc123.execute-api.ap-south-1.amazonaws.com/v1';

    expect(executeApiRegion(url)).toBe('ap-south-1');
    expect(executeApiRegion('http://127.0.0.1:4000')).toBeUndefined();
    expect(executeApiRegion('not a url')).toBeUndefined();
  });

  it('signs from the CLI with --sign-region and the AWS chain', async () => {
    const env = {
      ...NO_CREDENTIALS,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };

    const run = await runCli(
      gateway.url,
      ['--sign-region', REGION, '--json', 'sandboxes', 'list'],
      { env },
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      JSON.parse(run.stdout).items.map((s: { name: string }) => s.name),
    ).toContain('signed');
  });

  it('says where credentials come from when the CLI finds none', async () => {
    const run = await runCli(gateway.url, ['sandboxes', 'list'], {
      env: { ...NO_CREDENTIALS, AUTERYN_SIGN_REGION: REGION },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: cannot sign the request for eu-west-1/);
    expect(run.stderr).toContain('AWS_PROFILE');
  });
});

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      // Chunks, as a file read would give them.
      for (let at = 0; at < bytes.length; at += 65_536) {
        controller.enqueue(bytes.subarray(at, at + 65_536));
      }
      controller.close();
    },
  });
}
