import { describe, expect, it } from 'vitest';
import { call, usePlatform } from '../support/platform.ts';

describe('API errors are problem+json with the right status', () => {
  const platform = usePlatform();
  const url = (path: string) => `${platform.url}${path}`;

  it('404 for an unknown sandbox', async () => {
    const { status, headers, json } = await call(
      url('/v1/sandboxes/sbx-nope'),
      'GET',
    );
    expect(status).toBe(404);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(json).toMatchObject({
      status: 404,
      title: 'Not Found',
      code: 'not_found',
      detail: expect.stringContaining('sbx-nope'),
    });
  });

  it('404 for a command on an unknown sandbox', async () => {
    const { status } = await call(url('/v1/sandboxes/sbx-nope/stop'), 'POST');
    expect(status).toBe(404);
  });

  it('400 for malformed JSON', async () => {
    const { status, json } = await call(url('/v1/sandboxes'), 'POST', '{"na');
    expect(status).toBe(400);
    expect(json.detail).toMatch(/json/i);
  });

  it('400 naming every bad field', async () => {
    const { status, json } = await call(url('/v1/sandboxes'), 'POST', {
      name: 'Bad Name',
      size: 'huge',
    });
    expect(status).toBe(400);
    const fields = (json.fields as { field: string }[]).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'size']));
  });

  it('400 for a missing body', async () => {
    const response = await fetch(url('/v1/sandboxes'), { method: 'POST' });
    expect(response.status).toBe(400);
  });

  it('413 for a JSON body over 1 MiB', async () => {
    const { status, json } = await call(url('/v1/sandboxes'), 'POST', {
      name: 'big',
      padding: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(status).toBe(413);
    expect(json.code).toBe('payload_too_large');
  });

  it('409 for a name that is taken', async () => {
    const first = await call(url('/v1/sandboxes'), 'POST', { name: 'taken' });
    const second = await call(url('/v1/sandboxes'), 'POST', { name: 'taken' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.json.detail).toContain(String(first.json.id));
  });

  it('409 for a command the state forbids', async () => {
    const { json } = await call(url('/v1/sandboxes'), 'POST', {
      name: 'doomed',
    });
    await call(url(`/v1/sandboxes/${json.id}`), 'DELETE');

    const start = await call(url(`/v1/sandboxes/${json.id}/start`), 'POST');
    const exec = await call(url(`/v1/sandboxes/${json.id}/exec`), 'POST', {
      command: 'true',
    });
    expect(start.status).toBe(409);
    expect(exec.status).toBe(409);
    expect(start.json.detail).toContain('deleted');
  });

  it('400 for an image this platform cannot run', async () => {
    const { status, json } = await call(url('/v1/sandboxes'), 'POST', {
      name: 'imaged',
      image: 'ubuntu:24.04',
    });
    expect(status).toBe(400);
    expect(json.fields).toEqual([
      { field: 'image', message: expect.stringContaining('host') },
    ]);
  });

  it('404 as problem+json for an unknown route', async () => {
    const { status, json } = await call(url('/v2/nothing'), 'GET');
    expect(status).toBe(404);
    expect(json.code).toBe('not_found');
  });
});
