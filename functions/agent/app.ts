import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../../domain/errors.ts';
import type { Log } from '../../domain/ports/log.ts';
import type { SandboxFiles } from '../../domain/ports/sandbox-runtime.ts';
import { MAX_JSON_BODY_BYTES } from '../api/context.ts';
import { problem, renderError } from '../api/problem.ts';
import { execInputSchema } from '../api/schemas.ts';
import { registerFileRoutes } from './file-routes.ts';
import type { AgentMetricsCollector } from './metrics/collect.ts';
import { AGENT_PROTOCOL, type AgentHealth } from './protocol.ts';
import type { SandboxShell } from './sandbox-shell.ts';
import { bearerOf, tokenMatches } from './token.ts';
import { jsonOf, parseInput } from './validate.ts';

export interface AgentAppDeps {
  sandboxId: string;
  /** This sandbox's token; never logged. */
  token: string;
  version: string;
  shell: SandboxShell;
  files: SandboxFiles;
  metrics: AgentMetricsCollector;
  maxUploadBytes: number;
  logger: Log;
}

const OPEN_PATHS = new Set(['/v1/healthz']);

/**
 * The agent's HTTP protocol v1: exec, files and metrics of the one
 * sandbox whose task it runs in, behind that sandbox's bearer token.
 * Errors are problem+json with the platform's codes.
 */
export function createAgentApp(deps: AgentAppDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request served', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  });
  app.use('*', async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const presented = bearerOf(c.req.header('authorization'));
    if (tokenMatches(deps.token, presented)) return next();

    c.header('www-authenticate', 'Bearer');
    const detail = presented
      ? "the token is not this sandbox's"
      : 'an Authorization: Bearer token is required';
    return problem(c, 401, 'unauthorized', detail);
  });

  app.get('/v1/healthz', (c) =>
    c.json({
      ok: true,
      sandboxId: deps.sandboxId,
      version: deps.version,
      protocol: AGENT_PROTOCOL,
    } satisfies AgentHealth),
  );

  app.post('/v1/exec', jsonBodyLimit, async (c) => {
    const body = await jsonOf(c.req.raw);
    const request = parseInput(execInputSchema, body, '');
    const result = await deps.shell.exec(request);
    deps.logger.info('exec finished', {
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      timedOut: result.timedOut,
    });
    return c.json(result);
  });

  app.get('/v1/metrics', async (c) => c.json(await deps.metrics.collect()));

  registerFileRoutes(app, deps);

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

const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new PayloadTooLargeError(
      `a JSON body may hold at most ${MAX_JSON_BODY_BYTES} bytes`,
    );
  },
});
