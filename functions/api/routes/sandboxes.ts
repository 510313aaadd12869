import { createRoute, z } from '@hono/zod-openapi';
import {
  createSandboxInputSchema,
  updateSandboxInputSchema,
} from '../../../domain/sandbox/commands.ts';
import type { ApiApp, ApiDependencies } from '../context.ts';
import { sandboxDto } from '../dto.ts';
import { problemSchema, sandboxIdParams, sandboxSchema } from '../schemas.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        content: { 'application/problem+json': { schema: problemSchema } },
        description: 'a problem',
      },
    ]),
  );

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const createSandbox = createRoute({
  method: 'post',
  path: '/v1/sandboxes',
  tags: ['sandboxes'],
  summary: 'Create a sandbox; it is provisioned and started right away',
  request: jsonBody(createSandboxInputSchema),
  responses: {
    201: json(sandboxSchema, 'the new sandbox'),
    ...problems(400, 409, 413),
  },
});

const listSandboxes = createRoute({
  method: 'get',
  path: '/v1/sandboxes',
  tags: ['sandboxes'],
  request: {
    query: z.object({
      includeDeleted: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(sandboxSchema) }), 'the sandboxes'),
  },
});

const getSandbox = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}',
  tags: ['sandboxes'],
  request: { params: sandboxIdParams },
  responses: { 200: json(sandboxSchema, 'the sandbox'), ...problems(404) },
});

const updateSandbox = createRoute({
  method: 'patch',
  path: '/v1/sandboxes/{id}',
  tags: ['sandboxes'],
  summary: 'Change size (from the next start), autoShutdown, shutdownAfter',
  request: { params: sandboxIdParams, ...jsonBody(updateSandboxInputSchema) },
  responses: {
    200: json(sandboxSchema, 'the sandbox'),
    ...problems(400, 404, 409, 413),
  },
});

const deleteSandbox = createRoute({
  method: 'delete',
  path: '/v1/sandboxes/{id}',
  tags: ['sandboxes'],
  summary: 'Delete a sandbox and every file it had',
  request: {
    params: sandboxIdParams,
    query: z.object({
      keepSnapshots: z.enum(['true', 'false']).optional().openapi({
        description: 'keep its snapshots (by default they go with it)',
      }),
    }),
  },
  responses: { 202: json(sandboxSchema, 'the sandbox'), ...problems(404) },
});

const lifecycleRoute = (action: 'start' | 'stop' | 'restart') =>
  createRoute({
    method: 'post',
    path: `/v1/sandboxes/{id}/${action}`,
    tags: ['sandboxes'],
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} a sandbox`,
    request: { params: sandboxIdParams },
    responses: {
      202: json(sandboxSchema, 'the sandbox after the request'),
      ...problems(404, 409),
    },
  });

export function registerSandboxRoutes(app: ApiApp, deps: ApiDependencies) {
  const { sandboxes } = deps;

  app.openapi(createSandbox, async (c) => {
    const input = c.req.valid('json');
    const sandbox = await sandboxes.create(c.get('tenantId'), input);
    return c.json(sandboxDto(sandbox), 201);
  });

  app.openapi(listSandboxes, async (c) => {
    const { includeDeleted } = c.req.valid('query');
    const items = await sandboxes.list(c.get('tenantId'), {
      includeDeleted: includeDeleted === 'true',
    });
    return c.json({ items: items.map(sandboxDto) }, 200);
  });

  app.openapi(getSandbox, async (c) => {
    const sandbox = await sandboxes.get(
      c.get('tenantId'),
      c.req.valid('param').id,
    );
    return c.json(sandboxDto(sandbox), 200);
  });

  app.openapi(updateSandbox, async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const sandbox = await sandboxes.update(c.get('tenantId'), id, input);
    return c.json(sandboxDto(sandbox), 200);
  });

  app.openapi(deleteSandbox, async (c) => {
    const { id } = c.req.valid('param');
    const { keepSnapshots } = c.req.valid('query');
    const sandbox = await sandboxes.delete(
      c.get('tenantId'),
      id,
      keepSnapshots === 'true',
    );
    return c.json(sandboxDto(sandbox), 202);
  });

  for (const action of ['start', 'stop', 'restart'] as const) {
    app.openapi(lifecycleRoute(action), async (c) => {
      const { id } = c.req.valid('param');
      const sandbox = await sandboxes[action](c.get('tenantId'), id);
      return c.json(sandboxDto(sandbox), 202);
    });
  }
}

export { json, jsonBody, problems };
