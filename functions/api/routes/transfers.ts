import { createRoute, z } from '@hono/zod-openapi';
import {
  exportInputSchema,
  importInputSchema,
} from '../../../domain/transfer/transfer.ts';
import type { ApiApp, ApiDependencies } from '../context.ts';
import { exportDto, importDto } from '../dto.ts';
import { sandboxIdParams } from '../schemas.ts';
import { json, jsonBody, problems } from './sandboxes.ts';

const transferStatus = z.enum(['pending', 'copying', 'completed', 'failed']);

export const exportSchema = z
  .object({
    id: z.string(),
    sandboxId: z.string(),
    sourceRegion: z.string(),
    targetRegion: z.string(),
    snapshotIds: z.array(z.string()),
    status: transferStatus,
    location: z.string().nullable(),
    bytesTotal: z.number(),
    bytesDone: z.number(),
    error: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('Export');

export const importSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    exportId: z.string(),
    sourceRegion: z.string(),
    sandboxId: z.string(),
    snapshotIds: z.array(z.string()),
    status: transferStatus,
    bytesTotal: z.number(),
    bytesDone: z.number(),
    error: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('Import');

const idParams = (name: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: 'id', in: 'path' }, description: name }),
  });

const createExport = createRoute({
  method: 'post',
  path: '/v1/sandboxes/{id}/exports',
  tags: ['transfers'],
  summary: 'Export the sandbox with its history to another region',
  request: { params: sandboxIdParams, ...jsonBody(exportInputSchema) },
  responses: {
    202: json(exportSchema, 'the export, under way'),
    ...problems(400, 404, 409),
  },
});

const getExport = createRoute({
  method: 'get',
  path: '/v1/exports/{id}',
  tags: ['transfers'],
  request: { params: idParams('the export') },
  responses: {
    200: json(exportSchema, 'the export and its progress'),
    ...problems(404),
  },
});

const createImport = createRoute({
  method: 'post',
  path: '/v1/imports',
  tags: ['transfers'],
  summary: "Import an export's package as a sandbox of this region",
  request: jsonBody(importInputSchema),
  responses: {
    202: json(importSchema, 'the import, under way (or the same one again)'),
    ...problems(400, 409),
  },
});

const getImport = createRoute({
  method: 'get',
  path: '/v1/imports/{id}',
  tags: ['transfers'],
  request: { params: idParams('the import') },
  responses: {
    200: json(importSchema, 'the import and its progress'),
    ...problems(404),
  },
});

export function registerTransferRoutes(app: ApiApp, deps: ApiDependencies) {
  app.openapi(createExport, async (c) => {
    const { id } = c.req.valid('param');
    const record = await deps.transfers.requestExport(
      c.get('tenantId'),
      id,
      c.req.valid('json'),
    );
    return c.json(exportDto(record), 202);
  });

  app.openapi(getExport, async (c) => {
    const { id } = c.req.valid('param');
    const record = await deps.transfers.getExport(c.get('tenantId'), id);
    return c.json(exportDto(record), 200);
  });

  app.openapi(createImport, async (c) => {
    const record = await deps.transfers.requestImport(
      c.get('tenantId'),
      c.req.valid('json'),
    );
    return c.json(importDto(record), 202);
  });

  app.openapi(getImport, async (c) => {
    const { id } = c.req.valid('param');
    const record = await deps.transfers.getImport(c.get('tenantId'), id);
    return c.json(importDto(record), 200);
  });
}
