import { createRoute, z } from '@hono/zod-openapi';
import { PayloadTooLargeError } from '../../../domain/errors.ts';
import type { ApiApp, ApiDependencies } from '../context.ts';
import {
  fileEntrySchema,
  sandboxIdParams,
  sandboxPathSchema,
} from '../schemas.ts';
import { json, problems } from './sandboxes.ts';

const pathQuery = (fallback?: string) =>
  z.object({
    path: fallback ? sandboxPathSchema.default(fallback) : sandboxPathSchema,
  });

const binary = z.string().openapi({ format: 'binary' });

const listFolder = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/files',
  tags: ['files'],
  summary: 'List a folder inside the sandbox',
  request: { params: sandboxIdParams, query: pathQuery('/home/agent') },
  responses: {
    200: json(z.object({ items: z.array(fileEntrySchema) }), 'the entries'),
    ...problems(400, 404, 409),
  },
});

const readFile = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/files/content',
  tags: ['files'],
  summary: "Download a file's bytes",
  request: { params: sandboxIdParams, query: pathQuery() },
  responses: {
    200: {
      content: { 'application/octet-stream': { schema: binary } },
      description: 'the bytes',
    },
    ...problems(400, 404, 409),
  },
});

const writeFile = createRoute({
  method: 'put',
  path: '/v1/sandboxes/{id}/files/content',
  tags: ['files'],
  summary: 'Upload the request body to a file, creating its folders',
  request: {
    params: sandboxIdParams,
    query: pathQuery(),
    body: { content: { 'application/octet-stream': { schema: binary } } },
  },
  responses: {
    200: json(fileEntrySchema, 'the written file'),
    ...problems(400, 404, 409, 413),
  },
});

const removePath = createRoute({
  method: 'delete',
  path: '/v1/sandboxes/{id}/files',
  tags: ['files'],
  summary: 'Remove a file or a folder with everything in it',
  request: { params: sandboxIdParams, query: pathQuery() },
  responses: { 204: { description: 'removed' }, ...problems(400, 404, 409) },
});

export function registerFileRoutes(app: ApiApp, deps: ApiDependencies) {
  const { workspace, maxUploadBytes } = deps;

  app.openapi(listFolder, async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const items = await workspace.list(c.get('tenantId'), id, path);
    return c.json({ items }, 200);
  });

  app.openapi(readFile, async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    const { body } = await workspace.read(c.get('tenantId'), id, path);
    return c.body(body, 200, { 'content-type': 'application/octet-stream' });
  });

  app.openapi(writeFile, async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');

    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > maxUploadBytes) throw uploadTooLarge(maxUploadBytes);

    const body = c.req.raw.body ?? new Blob([]).stream();
    const entry = await workspace.write(
      c.get('tenantId'),
      id,
      path,
      body,
      maxUploadBytes,
    );
    return c.json(entry, 200);
  });

  app.openapi(removePath, async (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    await workspace.remove(c.get('tenantId'), id, path);
    return c.body(null, 204);
  });
}

const uploadTooLarge = (max: number) =>
  new PayloadTooLargeError(`an upload may hold at most ${max} bytes`);
