import { describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform.ts';

describe('GET /openapi.json', () => {
  const platform = usePlatform();

  it('describes every v1 route in OpenAPI 3.1', async () => {
    const response = await fetch(`${platform.url}/openapi.json`);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };

    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'DELETE /v1/sandboxes/{id}',
        'DELETE /v1/sandboxes/{id}/files',
        'DELETE /v1/sandboxes/{id}/snapshots/{snapshotId}',
        'GET /v1/exports/{id}',
        'GET /v1/imports/{id}',
        'GET /v1/sandboxes',
        'GET /v1/sandboxes/{id}',
        'GET /v1/sandboxes/{id}/events',
        'GET /v1/sandboxes/{id}/files',
        'GET /v1/sandboxes/{id}/files/content',
        'GET /v1/sandboxes/{id}/metrics',
        'GET /v1/sandboxes/{id}/snapshots',
        'GET /v1/sandboxes/{id}/snapshots/{snapshotId}',
        'GET /v1/sandboxes/{id}/snapshots/{snapshotId}/diff',
        'GET /v1/sandboxes/{id}/snapshots/{snapshotId}/files',
        'GET /v1/sandboxes/{id}/snapshots/{snapshotId}/files/content',
        'GET /v1/sandboxes/{id}/usage',
        'PATCH /v1/sandboxes/{id}',
        'POST /v1/imports',
        'POST /v1/sandboxes',
        'POST /v1/sandboxes/{id}/exec',
        'POST /v1/sandboxes/{id}/exports',
        'POST /v1/sandboxes/{id}/restart',
        'POST /v1/sandboxes/{id}/restore',
        'POST /v1/sandboxes/{id}/snapshots',
        'POST /v1/sandboxes/{id}/start',
        'POST /v1/sandboxes/{id}/stop',
        'PUT /v1/sandboxes/{id}/files/content',
      ].sort(),
    );
  });

  it('takes its request schemas from the validating zod schemas', async () => {
    const response = await fetch(`${platform.url}/openapi.json`);
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
    const doc = (await response.json()) as any;
    const create =
      doc.paths['/v1/sandboxes'].post.requestBody.content['application/json']
        .schema;
    expect(create.properties.name.pattern).toBe('^[a-z0-9-]+$');
    expect(create.properties.size.enum).toEqual(['small', 'medium', 'large']);
    expect(doc.components.schemas.Sandbox).toBeDefined();
  });
});
