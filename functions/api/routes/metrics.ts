import { createRoute, z } from '@hono/zod-openapi';
import { usageRangeSchema } from '../../../domain/usage/usage-report.ts';
import type { ApiApp, ApiDependencies } from '../context.ts';
import { sandboxIdParams } from '../schemas.ts';
import { json, problems } from './sandboxes.ts';

export const metricsSchema = z
  .object({
    status: z.string(),
    cpuPercent: z.number(),
    memoryBytes: z.number(),
    memoryLimitBytes: z.number(),
    diskBytes: z.number(),
    diskLimitBytes: z.number(),
    lastActivityAt: z.string().nullable(),
    idleShutdownAt: z.string().nullable(),
    lastSnapshotAt: z.string().nullable(),
    snapshotAgeSeconds: z.number().nullable(),
  })
  .openapi('SandboxMetrics');

const usageDaySchema = z.object({
  date: z.string(),
  runningSeconds: z.number(),
  cost: z.number(),
  idleStoppedSeconds: z.number(),
  savedCost: z.number(),
});

export const usageSchema = z
  .object({
    sandboxId: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    pricePerHour: z.object({
      small: z.number(),
      medium: z.number(),
      large: z.number(),
    }),
    days: z.array(usageDaySchema),
    totals: usageDaySchema.omit({ date: true }),
  })
  .openapi('SandboxUsage');

const getMetrics = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/metrics',
  tags: ['metrics'],
  summary: 'CPU, memory, disk, activity and snapshot age, right now',
  request: { params: sandboxIdParams },
  responses: {
    200: json(metricsSchema, 'the sandbox as it runs'),
    ...problems(404),
  },
});

const getUsage = createRoute({
  method: 'get',
  path: '/v1/sandboxes/{id}/usage',
  tags: ['metrics'],
  summary: 'Running time and cost per day, and what idle shutdown saved',
  request: { params: sandboxIdParams, query: usageRangeSchema },
  responses: {
    200: json(usageSchema, 'days from `from` to `to`, both included'),
    ...problems(400, 404),
  },
});

export function registerMetricsRoutes(app: ApiApp, deps: ApiDependencies) {
  app.openapi(getMetrics, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await deps.metrics.metrics(c.get('tenantId'), id), 200);
  });

  app.openapi(getUsage, async (c) => {
    const { id } = c.req.valid('param');
    const range = c.req.valid('query');
    return c.json(await deps.metrics.usage(c.get('tenantId'), id, range), 200);
  });
}
