import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SandboxRuntime } from '../../domain/ports/sandbox-runtime.ts';
import { SandboxCommandHandler } from '../../domain/services/command-handler.ts';
import { SandboxLifecycle } from '../../domain/services/lifecycle.ts';
import { SandboxProjector } from '../../domain/services/projector.ts';
import {
  type RecoveryReport,
  recoverAtStart,
} from '../../domain/services/recovery.ts';
import { SandboxService } from '../../domain/services/sandbox-service.ts';
import { SandboxWorkspace } from '../../domain/services/workspace.ts';
import { DynamoDBEventStore } from '../adapters/aws/dynamodb-event-store.ts';
import { DynamoDBNameRegistry } from '../adapters/aws/dynamodb-name-registry.ts';
import { DynamoDBSandboxViews } from '../adapters/aws/dynamodb-sandbox-views.ts';
import { ensureTables, tableNames } from '../adapters/aws/tables.ts';
import { detectLocalRuntime } from '../adapters/local/index.ts';
import { createApiApp } from '../api/app.ts';
import type { ApiApp, ApiDependencies } from '../api/context.ts';
import type { LocalConfig } from './config.ts';
import { startEmbeddedDynamoDB } from './embedded-dynamodb.ts';

/** The tenant that owns a platform running on one machine. */
export const LOCAL_TENANT = 'local';

export interface LocalPlatform {
  app: ApiApp;
  sandboxes: SandboxService;
  runtime: SandboxRuntime;
  logger: Logger;
  recovery: RecoveryReport;
  dynamodbEndpoint: string;
  close(): Promise<void>;
}

export const newSandboxId = () => `sbx-${randomBytes(8).toString('hex')}`;

/**
 * The whole platform in one process: dynalite for DynamoDB, namespaced
 * processes for sandboxes, the lifecycle run right after each commit.
 * Start-up repairs whatever a crash left half done before serving.
 */
export async function startLocalPlatform(
  config: Omit<LocalConfig, 'port' | 'host'>,
  options: { tenantOf?: ApiDependencies['tenantOf'] } = {},
): Promise<LocalPlatform> {
  const logger = new Logger({
    serviceName: 'auteryn',
    logLevel: config.logLevel,
  });
  await mkdir(join(config.dataDir, 'db'), { recursive: true });

  const database = await startEmbeddedDynamoDB(join(config.dataDir, 'db'));
  const tables = tableNames('auteryn');
  await ensureTables(database.client, tables);

  const events = new DynamoDBEventStore(database.client, tables.events);
  const views = new DynamoDBSandboxViews(database.client, tables.sandboxes);
  const names = new DynamoDBNameRegistry(database.client, tables.names);
  const runtime = await detectLocalRuntime({
    dataDir: config.dataDir,
    logger,
  });

  const projector = new SandboxProjector(events, views);
  const clock = { now: () => new Date() };
  const handler = new SandboxCommandHandler(events, views, projector, clock);
  const lifecycle = new SandboxLifecycle(handler, runtime, names, logger);
  handler.onCommit(lifecycle.react);
  handler.onCommit(async (commit) => {
    for (const event of commit.events) {
      logger.info('event appended', {
        sandboxId: commit.streamId,
        eventType: event.type,
        version: event.version,
      });
    }
  });

  const recovery = await recoverAtStart({
    projector,
    views,
    names,
    lifecycle,
    runtime,
  });

  const sandboxes = new SandboxService(handler, views, events, names, runtime, {
    sandboxId: newSandboxId,
  });
  const workspace = new SandboxWorkspace(sandboxes, runtime);
  const app = createApiApp({
    sandboxes,
    workspace,
    logger,
    maxUploadBytes: config.maxUploadBytes,
    tenantOf: options.tenantOf ?? (() => LOCAL_TENANT),
  });

  return {
    app,
    sandboxes,
    runtime,
    logger,
    recovery,
    dynamodbEndpoint: database.endpoint,
    close: async () => {
      await runtime.close();
      await database.close();
    },
  };
}
