import { MetricsService } from '../../domain/services/metrics-service.ts';
import { SnapshotService } from '../../domain/services/snapshot-service.ts';
import { SandboxWorkspace } from '../../domain/services/workspace.ts';
import { DEFAULT_PRICES } from '../../domain/usage/usage-report.ts';
import { createApiApp } from '../api/app.ts';
import type { ApiApp } from '../api/context.ts';
import { tenantFromIamCaller } from '../api/lambda.ts';
import type { AwsPlatform } from './platform.ts';

/**
 * Uploads go through API Gateway, whose payloads stop at 10 MB; larger
 * files need a presigned route (not built yet).
 */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The HTTP API v1 on the AWS platform, callers known by their IAM role.
 * Apart from platform.ts so that only the API's bundle carries Hono and
 * the OpenAPI document.
 */
export function createAwsApi(platform: AwsPlatform): ApiApp {
  const { sandboxes, runtime, store, activity, clock, ids, sleep } = platform;
  const snapshots = new SnapshotService(sandboxes, store, ids);
  return createApiApp({
    sandboxes,
    workspace: new SandboxWorkspace(sandboxes, runtime, activity, clock),
    snapshots,
    transfers: platform.transfers.service(sandboxes, snapshots),
    metrics: new MetricsService({
      sandboxes,
      runtime,
      activity,
      clock,
      sleep,
      prices: DEFAULT_PRICES,
    }),
    logger: platform.log,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    tenantOf: ({ env }) => tenantFromIamCaller(env),
  });
}
