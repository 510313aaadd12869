import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../domain/errors.ts';
import {
  type ApiApp,
  type ApiDependencies,
  type ApiEnv,
  MAX_JSON_BODY_BYTES,
} from './context.ts';
import { problem, renderError, validationProblem } from './problem.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerExecRoutes } from './routes/exec.ts';
import { registerFileRoutes } from './routes/files.ts';
import { registerMetricsRoutes } from './routes/metrics.ts';
import { registerSandboxRoutes } from './routes/sandboxes.ts';
import { registerSnapshotFileRoutes } from './routes/snapshot-files.ts';
import { registerSnapshotRoutes } from './routes/snapshots.ts';
import { registerTransferRoutes } from './routes/transfers.ts';

/**
 * The HTTP API v1: one Hono app, served by a Node HTTP server locally and
 * by API Gateway through Lambda. Routes are declared with the zod schemas
 * that validate them, so /openapi.json cannot drift from the behaviour.
 */
export function createApiApp(deps: ApiDependencies): ApiApp {
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return validationProblem(
          c,
          result.error,
          FIELD_PREFIX[result.target] ?? '',
        );
      }
    },
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request served', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
      sandboxId: SANDBOX_IN_PATH.exec(c.req.path)?.[1],
    });
  });
  app.use('*', async (c, next) => {
    c.set(
      'tenantId',
      deps.tenantOf({
        env: c.env,
        header: (name) => c.req.header(name),
      }),
    );
    await next();
  });
  app.use('*', async (c, next) => {
    // Uploads stream with their own, larger cap (see routes/files.ts).
    if (c.req.path.endsWith('/files/content') && c.req.method === 'PUT') {
      return next();
    }
    return jsonBodyLimit(c, next);
  });

  registerSandboxRoutes(app, deps);
  registerExecRoutes(app, deps);
  registerFileRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerSnapshotRoutes(app, deps);
  registerSnapshotFileRoutes(app, deps);
  registerMetricsRoutes(app, deps);
  registerTransferRoutes(app, deps);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Auteryn API',
      version: '1',
      description: 'Persistent, snapshotted sandboxes for AI agents.',
    },
  });

  app.notFound((c) => problem(c, 404, 'not_found', `no route ${c.req.path}`));
  app.onError((error, c) =>
    renderError(c, error, (unexpected) =>
      deps.logger.error('request failed', {
        error: unexpected,
        method: c.req.method,
        path: c.req.path,
      }),
    ),
  );
  return app;
}

const SANDBOX_IN_PATH = /^\/v1\/sandboxes\/([^/]+)/;

/** Body fields go by their name; the others say where they were. */
const FIELD_PREFIX: Record<string, string> = {
  json: '',
  form: '',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new PayloadTooLargeError(
      `a JSON body may hold at most ${MAX_JSON_BODY_BYTES} bytes`,
    );
  },
});
