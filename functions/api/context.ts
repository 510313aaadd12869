import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Log } from '../../domain/ports/log.ts';
import type { MetricsService } from '../../domain/services/metrics-service.ts';
import type { SandboxService } from '../../domain/services/sandbox-service.ts';
import type { SnapshotService } from '../../domain/services/snapshot-service.ts';
import type { SandboxWorkspace } from '../../domain/services/workspace.ts';
import type { TransferService } from '../transfer/transfer-service.ts';

export interface ApiDependencies {
  sandboxes: SandboxService;
  workspace: SandboxWorkspace;
  snapshots: SnapshotService;
  metrics: MetricsService;
  transfers: TransferService;
  logger: Log;
  /** Cap on a file upload, streamed to disk. */
  maxUploadBytes: number;
  /**
   * Who is calling. Locally one tenant owns the platform; behind API
   * Gateway it is derived from the IAM caller (see lambda.ts).
   */
  tenantOf(request: {
    env: unknown;
    header(name: string): string | undefined;
  }): string;
}

export interface ApiEnv {
  Variables: { tenantId: string };
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/** JSON bodies above this are refused with 413 before parsing. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
