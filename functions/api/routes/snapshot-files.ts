import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp, ApiDependencies } from '../context.ts';
import {
  fileEntrySchema,
  sandboxPathSchema,
  snapshotDiffSchema,
  snapshotParams,
} from '../schemas.ts';
import { json, problems } from './sandboxes.ts';

const listFolderAsItWas = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/snapshots/{snapshotId}/files',
  tags: ['snapshots'],
  summary: 'List a folder as it was in the snapshot',
  request: {
    params: snapshotParams,
    query: z.object({ path: sandboxPathSchema.default('/home/agent') }),
  },
  responses: {
    200: json(z.object({ items: z.array(fileEntrySchema) }), 'the entries'),
    ...problems(400, 404, 409),
  },
});

const readFileAsItWas = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/snapshots/{snapshotId}/files/content',
  tags: ['snapshots'],
  summary: "A file's bytes as they were in the snapshot",
  request: {
    params: snapshotParams,
    query: z.object({ path: sandboxPathSchema }),
  },
  responses: {
    200: {
      content: {
        'application/octet-stream': {
          schema: z.string().openapi({ format: 'binary' }),
        },
      },
      description: 'the bytes',
    },
    ...problems(400, 404, 409),
  },
});

const diffSnapshot = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/snapshots/{snapshotId}/diff',
  tags: ['snapshots'],
  summary: 'Paths added, removed and changed since the snapshot',
  request: {
    params: snapshotParams,
    query: z.object({
      against: z.string().min(1).max(64).default('live').openapi({
        description: '`live` (the sandbox now) or another snapshot id',
      }),
    }),
  },
  responses: {
    200: json(snapshotDiffSchema, 'what differs'),
    ...problems(400, 404, 409),
  },
});

export function registerSnapshotFileRoutes(app: ApiApp, deps: ApiDependencies) {
  const { snapshots } = deps;

  app.openapi(listFolderAsItWas, async (c) => {
    const { id, snapshotId } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const items = await snapshots.listFiles(
      c.get('tenantId'),
      id,
      snapshotId,
      path,
    );
    return c.json({ items }, 200);
  });

  app.openapi(readFileAsItWas, async (c) => {
    const { id, snapshotId } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const body = await snapshots.readFile(
      c.get('tenantId'),
      id,
      snapshotId,
      path,
    );
    return c.body(body, 200, { 'content-type': 'application/octet-stream' });
  });

  app.openapi(diffSnapshot, async (c) => {
    const { id, snapshotId } = c.req.valid('param');
    const { against } = c.req.valid('query');
    const diff = await snapshots.diff(
      c.get('tenantId'),
      id,
      snapshotId,
      against,
    );
    return c.json(diff, 200);
  });
}
