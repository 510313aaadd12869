import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLambdaHandler,
  tenantFromIamCaller,
} from '../../functions/api/lambda.ts';
import { localConfig } from '../../functions/local/config.ts';
import {
  type LocalPlatform,
  startLocalPlatform,
} from '../../functions/local/platform.ts';
import {
  ALICE,
  ALICE_OTHER_SESSION,
  httpApiEvent,
  MALLORY,
} from '../fixtures/api-gateway-v2.ts';

describe('the API as a Lambda behind API Gateway HTTP API (v2)', () => {
  let dataDir = '';
  let platform: LocalPlatform;
  let handler: ReturnType<typeof createLambdaHandler>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'auteryn-lambda-'));
    platform = await startLocalPlatform(
      localConfig({
        dataDir,
        maxUploadBytes: 1024 * 1024,
        snapshotIntervalMs: 3_600_000,
        idleCheckIntervalMs: 3_600_000,
        logLevel: 'SILENT',
      }),
      { tenantOf: ({ env }) => tenantFromIamCaller(env) },
    );
    handler = createLambdaHandler(platform.app);
  });
  afterAll(async () => {
    await platform?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const invoke = async (event: Parameters<typeof httpApiEvent>[0]) => {
    const result = await handler(httpApiEvent(event));
    const text = result.isBase64Encoded
      ? Buffer.from(result.body, 'base64').toString()
      : result.body;
    return { ...result, json: text ? JSON.parse(text) : undefined, text };
  };

  let id = '';

  it('creates a sandbox for the IAM caller', async () => {
    const created = await invoke({
      method: 'POST',
      path: '/v1/sandboxes',
      body: JSON.stringify({ name: 'from-lambda' }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json.status).toBe('running');
    id = created.json.id;
  });

  it('shows it to every session of the same role', async () => {
    const listed = await invoke({
      method: 'GET',
      path: '/v1/sandboxes',
      caller: ALICE_OTHER_SESSION,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json.items.map((s: { id: string }) => s.id)).toEqual([id]);
  });

  it('hides it from another tenant', async () => {
    const seen = await invoke({
      method: 'GET',
      path: `/v1/sandboxes/${id}`,
      caller: MALLORY,
    });
    expect(seen.statusCode).toBe(404);
    const listed = await invoke({
      method: 'GET',
      path: '/v1/sandboxes',
      caller: MALLORY,
    });
    expect(listed.json.items).toEqual([]);
  });

  it('refuses a request with no IAM caller', async () => {
    const refused = await invoke({
      method: 'GET',
      path: '/v1/sandboxes',
      caller: null,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers?.['content-type']).toBe('application/problem+json');
  });

  it('runs commands and moves binary files through base64 bodies', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const put = await invoke({
      method: 'PUT',
      path: `/v1/sandboxes/${id}/files/content`,
      query: 'path=/home/agent/data/b.bin',
      body: bytes,
      contentType: 'application/octet-stream',
    });
    expect(put.statusCode).toBe(200);

    const get = await handler(
      httpApiEvent({
        method: 'GET',
        path: `/v1/sandboxes/${id}/files/content`,
        query: 'path=/home/agent/data/b.bin',
        caller: ALICE,
      }),
    );
    expect(get.isBase64Encoded).toBe(true);
    expect([...Buffer.from(get.body, 'base64')]).toEqual([...bytes]);

    const exec = await invoke({
      method: 'POST',
      path: `/v1/sandboxes/${id}/exec`,
      body: JSON.stringify({ command: 'od -An -tu1 data/b.bin' }),
    });
    expect(exec.json.stdout.trim().split(/\s+/)).toEqual([
      '0',
      '1',
      '2',
      '250',
      '255',
    ]);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const bad = await invoke({
      method: 'POST',
      path: '/v1/sandboxes',
      body: '{"name":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json.status).toBe(400);
  });
});
