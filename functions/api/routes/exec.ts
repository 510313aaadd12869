import { createRoute } from '@hono/zod-openapi';
import type { ApiApp, ApiDependencies } from '../context.ts';
import {
  execInputSchema,
  execResultSchema,
  sandboxIdParams,
} from '../schemas.ts';
import { json, jsonBody, problems } from './sandboxes.ts';

const execCommand = createRoute({
  method: 'post',
  path: '/v1/sandboxes/{id}/exec',
  tags: ['exec'],
  summary: 'Run a command with bash in the sandbox, waking it if stopped',
  request: { params: sandboxIdParams, ...jsonBody(execInputSchema) },
  responses: {
    200: json(execResultSchema, 'how the command ended, with its output'),
    ...problems(400, 404, 409, 413),
  },
});

export function registerExecRoutes(app: ApiApp, deps: ApiDependencies) {
  app.openapi(execCommand, async (c) => {
    const { id } = c.req.valid('param');
    const request = c.req.valid('json');
    const result = await deps.workspace.exec(c.get('tenantId'), id, request);
    return c.json(result, 200);
  });
}
