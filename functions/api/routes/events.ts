import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp, ApiDependencies } from '../context.ts';
import { eventSchema, sandboxIdParams } from '../schemas.ts';
import { json, problems } from './sandboxes.ts';

const listEvents = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/events',
  tags: ['events'],
  summary: "The sandbox's event history, oldest first, a page at a time",
  request: {
    params: sandboxIdParams,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    }),
  },
  responses: {
    200: json(
      z.object({
        items: z.array(eventSchema),
        nextAfter: z.number().int().optional(),
      }),
      'events after `after`; `nextAfter` is there when more follow',
    ),
    ...problems(400, 404),
  },
});

export function registerEventRoutes(app: ApiApp, deps: ApiDependencies) {
  app.openapi(listEvents, async (c) => {
    const { id } = c.req.valid('param');
    const page = await deps.sandboxes.history(
      c.get('tenantId'),
      id,
      c.req.valid('query'),
    );
    return c.json(page as z.infer<typeof eventPageSchema>, 200);
  });
}

const eventPageSchema = z.object({
  items: z.array(eventSchema),
  nextAfter: z.number().int().optional(),
});
