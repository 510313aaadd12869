import type { Hono } from 'hono';
// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { PayloadTooLargeError } from '../../domain/errors.ts';
import type { SandboxFiles } from '../../domain/ports/sandbox-runtime.ts';
import { sandboxPathSchema } from '../api/schemas.ts';
import { parseInput } from './validate.ts';

const pathQuery = z.object({ path: sandboxPathSchema });

const uploadQuery = pathQuery.extend({
  maxBytes: z.coerce.number().int().positive().optional(),
});

export interface FileRouteDeps {
  sandboxId: string;
  files: SandboxFiles;
  /** The largest upload the agent accepts, whatever the caller asks for. */
  maxUploadBytes: number;
}

/** `/v1/files/*`: the SandboxFiles port of this one sandbox, over HTTP. */
export function registerFileRoutes(app: Hono, deps: FileRouteDeps): void {
  const { sandboxId, files } = deps;
  const query = (url: string) => Object.fromEntries(new URL(url).searchParams);
  const pathOf = (url: string) => parseInput(pathQuery, query(url), 'query');

  app.get('/v1/files/stat', async (c) => {
    const { path } = pathOf(c.req.url);
    return c.json(await files.stat(sandboxId, path));
  });

  app.get('/v1/files/list', async (c) => {
    const { path } = pathOf(c.req.url);
    return c.json({ items: await files.list(sandboxId, path) });
  });

  app.get('/v1/files/content', async (c) => {
    const { path } = pathOf(c.req.url);
    const body = await files.read(sandboxId, path);
    return c.body(body, 200, { 'content-type': 'application/octet-stream' });
  });

  app.put('/v1/files/content', async (c) => {
    const input = parseInput(uploadQuery, query(c.req.url), 'query');
    const { path } = input;
    const maxBytes = Math.min(
      input.maxBytes ?? deps.maxUploadBytes,
      deps.maxUploadBytes,
    );

    // A declared length over the cap is refused before a byte is read.
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > maxBytes) {
      throw new PayloadTooLargeError(
        `${path} is larger than ${maxBytes} bytes`,
      );
    }

    const body = c.req.raw.body ?? new Blob([]).stream();
    return c.json(await files.write(sandboxId, path, body, maxBytes));
  });

  app.delete('/v1/files', async (c) => {
    const { path } = pathOf(c.req.url);
    await files.remove(sandboxId, path);
    return c.body(null, 204);
  });
}
