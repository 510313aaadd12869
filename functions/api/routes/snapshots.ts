import { createRoute, z } from '@hono/zod-openapi';
import { createSnapshotInputSchema } from '../../../domain/sandbox/commands.ts';
import type { ApiApp, ApiDependencies } from '../context.ts';
import { sandboxDto, snapshotDto } from '../dto.ts';
import {
  restoreInputSchema,
  sandboxIdParams,
  sandboxSchema,
  snapshotParams,
  snapshotSchema,
} from '../schemas.ts';
import { json, jsonBody, problems } from './sandboxes.ts';

const createSnapshot = createRoute({
  method: 'post',
  path: '/v1/sandboxes/{id}/snapshots',
  tags: ['snapshots'],
  summary: 'Take a snapshot now, optionally named',
  request: { params: sandboxIdParams, ...jsonBody(createSnapshotInputSchema) },
  responses: {
    201: json(snapshotSchema, 'the snapshot, completed or failed'),
    ...problems(400, 404, 409, 413),
  },
});

const listSnapshots = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/snapshots',
  tags: ['snapshots'],
  summary: 'The snapshot history, oldest first',
  request: {
    params: sandboxIdParams,
    query: z.object({
      kind: z.enum(['auto', 'manual', 'pre-stop', 'pre-restore']).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(snapshotSchema) }), 'the snapshots'),
    ...problems(400, 404),
  },
});

const getSnapshot = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/snapshots/{snapshotId}',
  tags: ['snapshots'],
  request: { params: snapshotParams },
  responses: { 200: json(snapshotSchema, 'the snapshot'), ...problems(404) },
});

const deleteSnapshot = createRoute({
  method: 'delete',
  path: '/v1/sandboxes/{id}/snapshots/{snapshotId}',
  tags: ['snapshots'],
  request: { params: snapshotParams },
  responses: { 204: { description: 'deleted' }, ...problems(404, 409) },
});

const restoreSandbox = createRoute({
  method: 'post',
  path: '/v1/sandboxes/{id}/restore',
  tags: ['snapshots'],
  summary:
    'Restore a snapshot in place (by id, name or time), all or some paths',
  request: { params: sandboxIdParams, ...jsonBody(restoreInputSchema) },
  responses: {
    202: json(sandboxSchema, 'the sandbox after the restore'),
    ...problems(400, 404, 409, 413),
  },
});

export function registerSnapshotRoutes(app: ApiApp, deps: ApiDependencies) {
  const { snapshots } = deps;

  app.openapi(createSnapshot, async (c) => {
    const { id } = c.req.valid('param');
    const { name } = c.req.valid('json');
    const snapshot = await snapshots.create(c.get('tenantId'), id, name);
    return c.json(snapshotDto(id, snapshot), 201);
  });

  app.openapi(listSnapshots, async (c) => {
    const { id } = c.req.valid('param');
    const { kind } = c.req.valid('query');
    const items = await snapshots.list(c.get('tenantId'), id, kind);
    return c.json({ items: items.map((s) => snapshotDto(id, s)) }, 200);
  });

  app.openapi(getSnapshot, async (c) => {
    const { id, snapshotId } = c.req.valid('param');
    const snapshot = await snapshots.get(c.get('tenantId'), id, snapshotId);
    return c.json(snapshotDto(id, snapshot), 200);
  });

  app.openapi(deleteSnapshot, async (c) => {
    const { id, snapshotId } = c.req.valid('param');
    await snapshots.delete(c.get('tenantId'), id, snapshotId);
    return c.body(null, 204);
  });

  app.openapi(restoreSandbox, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const sandbox = await snapshots.restore(c.get('tenantId'), id, request);
    return c.json(sandboxDto(sandbox), 202);
  });
}
