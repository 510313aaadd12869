import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type AuterynClient } from '../../functions/client/index.ts';
import {
  startTestPlatform,
  TEST_MAX_UPLOAD_BYTES,
  type TestPlatform,
  uniqueName,
} from '../support/platform.ts';

/** Every byte value, twice, so that no encoding can pass by luck. */
const EVERY_BYTE = Uint8Array.from({ length: 512 }, (_, index) => index % 256);

describe('client: exec and files', () => {
  let platform: TestPlatform;
  let client: AuterynClient;
  let id: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    client = platform.client;
    const created = await client.createSandbox({ name: uniqueName('work') });
    id = created.id;
    await client.waitForStatus(id, ['running'], { timeoutMs: 20_000 });
  });
  afterAll(() => platform?.close());

  it('runs a command, keeping stdout, stderr and the exit code apart', async () => {
    const result = await client.exec(id, {
      command: 'echo out; echo err >&2; exit 3',
    });

    expect(result).toMatchObject({
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      stdoutTruncated: false,
      stderrTruncated: false,
    });
  });

  it('passes the environment and the working folder', async () => {
    await client.writeFile(id, '/home/agent/project/marker', 'here');

    const result = await client.exec(id, {
      command: 'echo "$GREETING"; cat marker',
      cwd: '/home/agent/project',
      env: { GREETING: 'hello there' },
    });

    expect(result.stdout).toBe('hello there\nhere');
  });

  it('wakes a stopped sandbox to run a command', async () => {
    await client.stopSandbox(id);
    await client.waitForStatus(id, ['stopped'], { timeoutMs: 20_000 });

    const result = await client.exec(id, { command: 'echo awake' });

    expect(result.stdout).toBe('awake\n');
    expect((await client.getSandbox(id)).status).toBe('running');
  });

  it('writes and reads back every byte value unchanged', async () => {
    const entry = await client.writeFile(id, '/tmp/bytes.bin', EVERY_BYTE);

    const read = await client.readFile(id, '/tmp/bytes.bin');

    expect(entry).toMatchObject({ path: '/tmp/bytes.bin', type: 'file' });
    expect(entry.size).toBe(EVERY_BYTE.length);
    expect(read).toEqual(EVERY_BYTE);
  });

  it('uploads a stream and downloads it as a stream', async () => {
    const upload = new Blob([EVERY_BYTE, EVERY_BYTE]).stream();

    await client.writeFile(id, '/home/agent/streamed.bin', upload);
    const body = await client.readFileStream(id, '/home/agent/streamed.bin');
    const read = new Uint8Array(await new Response(body).arrayBuffer());

    expect(read).toEqual(new Uint8Array([...EVERY_BYTE, ...EVERY_BYTE]));
  });

  it('lists a folder and removes a file from it', async () => {
    await client.writeFile(id, '/home/agent/listing/a.txt', 'abc');
    await client.writeFile(id, '/home/agent/listing/sub/b.txt', 'b');

    const before = await client.listFiles(id, '/home/agent/listing');
    await client.removeFile(id, '/home/agent/listing/a.txt');
    const after = await client.listFiles(id, '/home/agent/listing');

    expect(before).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'a.txt', type: 'file', size: 3 }),
        expect.objectContaining({ name: 'sub', type: 'directory' }),
      ]),
    );
    expect(after.map((entry) => entry.name)).toEqual(['sub']);
  });

  it('reports a missing file as ApiError 404', async () => {
    const error = await client
      .readFile(id, '/tmp/never-written')
      .catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('reports a relative path as a validation error on the path', async () => {
    const error = await client.readFile(id, 'relative/path').catch((e) => e);

    expect(error).toMatchObject({ status: 400, code: 'validation' });
    expect((error as ApiError).fields).toEqual([
      expect.objectContaining({ field: expect.stringContaining('path') }),
    ]);
  });

  it('refuses an upload past the platform limit with 413', async () => {
    const tooBig = new Uint8Array(TEST_MAX_UPLOAD_BYTES + 1);

    const error = await client
      .writeFile(id, '/tmp/too-big.bin', tooBig)
      .catch((e) => e);

    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});
