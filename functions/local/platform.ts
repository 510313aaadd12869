import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../domain/ports/clock.ts';
import type { Commit } from '../../domain/ports/event-store.ts';
import type { SandboxRuntime } from '../../domain/ports/sandbox-runtime.ts';
import type { TransferRecords } from '../../domain/ports/transfer-records.ts';
import type { TickReport } from '../../domain/scheduler/snapshot-scheduler.ts';
import { SandboxCommandHandler } from '../../domain/services/command-handler.ts';
import {
  IdleCheck,
  type IdleCheckReport,
} from '../../domain/services/idle-check.ts';
import { SandboxLifecycle } from '../../domain/services/lifecycle.ts';
import { MetricsService } from '../../domain/services/metrics-service.ts';
import { SandboxProjector } from '../../domain/services/projector.ts';
import {
  type RecoveryReport,
  recoverAtStart,
} from '../../domain/services/recovery.ts';
import { SandboxService } from '../../domain/services/sandbox-service.ts';
import { SnapshotService } from '../../domain/services/snapshot-service.ts';
import { SandboxWorkspace } from '../../domain/services/workspace.ts';
import { DynamoDBActivityStore } from '../adapters/aws/dynamodb-activity-store.ts';
import { DynamoDBEventStore } from '../adapters/aws/dynamodb-event-store.ts';
import { DynamoDBNameRegistry } from '../adapters/aws/dynamodb-name-registry.ts';
import { DynamoDBSandboxViews } from '../adapters/aws/dynamodb-sandbox-views.ts';
import { DynamoDBSchedulerState } from '../adapters/aws/dynamodb-scheduler-state.ts';
import { ensureTables, tableNames } from '../adapters/aws/tables.ts';
import { detectLocalRuntime } from '../adapters/local/index.ts';
import { LocalSnapshotStore } from '../adapters/local/snapshots/index.ts';
import { createApiApp } from '../api/app.ts';
import type { ApiApp, ApiDependencies } from '../api/context.ts';
import type { TransferService } from '../transfer/transfer-service.ts';
import type { LocalConfig } from './config.ts';
import { startEmbeddedDynamoDB } from './embedded-dynamodb.ts';
import { startLocalSchedules } from './schedules.ts';
import { localTransfers } from './transfers.ts';

export interface PlatformOptions {
  tenantOf?: ApiDependencies['tenantOf'];
  /** Tests move time by hand; the platform reads it only from here. */
  clock?: Clock;
  /**
   * Fault injection for tests: wraps the transfer records, to fail a
   * write on cue, which dynalite cannot be made to do.
   */
  wrapTransferRecords?: (records: TransferRecords) => TransferRecords;
}

/** The tenant that owns a platform running on one machine. */
export const LOCAL_TENANT = 'local';

export interface LocalPlatform {
  app: ApiApp;
  sandboxes: SandboxService;
  snapshots: SnapshotService;
  transfers: TransferService;
  runtime: SandboxRuntime;
  logger: Logger;
  recovery: RecoveryReport;
  dynamodbEndpoint: string;
  /** Runs the automatic snapshot schedule once, now, and waits for it. */
  snapshotTick(): Promise<TickReport>;
  /** Runs the idle check once, now, and waits for the stops it asks. */
  idleCheck(): Promise<IdleCheckReport>;
  close(): Promise<void>;
}

const hexId = (prefix: string) => () =>
  `${prefix}-${randomBytes(8).toString('hex')}`;
export const ids = { sandboxId: hexId('sbx'), snapshotId: hexId('snap') };

/**
 * The whole platform in one process: dynalite for DynamoDB, namespaced
 * processes for sandboxes, a content-addressed store for snapshots, the
 * lifecycle run right after each commit and the snapshot schedule on a
 * timer. Start-up repairs whatever a crash left half done before serving.
 */
export async function startLocalPlatform(
  config: Omit<LocalConfig, 'port' | 'host'>,
  options: PlatformOptions = {},
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
  const activity = new DynamoDBActivityStore(database.client, tables.activity);
  const schedulerState = new DynamoDBSchedulerState(
    database.client,
    tables.schedules,
  );
  const runtime = await detectLocalRuntime({
    dataDir: config.dataDir,
    logger,
  });
  const store = new LocalSnapshotStore({
    dataDir: config.dataDir,
    runtime,
    logger,
  });

  const projector = new SandboxProjector(events, views);
  const clock = options.clock ?? { now: () => new Date() };
  const handler = new SandboxCommandHandler(events, views, projector, clock);
  const transfers = localTransfers({
    dynamodb: database.client,
    table: tables.transfers,
    dataDir: config.dataDir,
    region: config.region,
    exportStore: config.exportStore ?? join(config.dataDir, 'exports'),
    handler,
    events,
    names,
    store,
    clock,
    log: logger,
    wrapRecords: options.wrapTransferRecords,
  });
  const lifecycle = new SandboxLifecycle({
    handler,
    runtime,
    snapshots: store,
    names,
    activity,
    ids,
    clock,
    log: logger,
    exporter: transfers.startExport,
  });
  handler.onCommit(lifecycle.react);
  handler.onCommit(async (commit) => logCommit(logger, commit));

  const recovery = await recoverAtStart({
    projector,
    views,
    names,
    lifecycle,
    runtime,
  });

  await transfers.resume();

  const sandboxes = new SandboxService(
    handler,
    views,
    events,
    names,
    runtime,
    ids,
    lifecycle.settled,
  );
  const snapshots = new SnapshotService(sandboxes, store, ids);
  const transferService = transfers.service(sandboxes, snapshots);
  const app = createApiApp({
    sandboxes,
    workspace: new SandboxWorkspace(sandboxes, runtime, activity, clock),
    snapshots,
    transfers: transferService,
    metrics: new MetricsService({
      sandboxes,
      runtime,
      activity,
      clock,
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      prices: config.prices,
    }),
    logger,
    maxUploadBytes: config.maxUploadBytes,
    tenantOf: options.tenantOf ?? (() => LOCAL_TENANT),
  });

  const schedules = startLocalSchedules({
    views,
    store,
    lifecycle,
    idle: new IdleCheck({
      views,
      runtime,
      activity,
      handler,
      clock,
      log: logger,
    }),
    state: schedulerState,
    clock,
    log: logger,
    snapshotIntervalMs: config.snapshotIntervalMs,
    idleCheckIntervalMs: config.idleCheckIntervalMs,
  });

  return {
    app,
    sandboxes,
    snapshots,
    transfers: transferService,
    runtime,
    logger,
    recovery,
    dynamodbEndpoint: database.endpoint,
    snapshotTick: schedules.snapshotTick,
    idleCheck: schedules.idleCheck,
    close: async () => {
      schedules.stop();
      await transfers.jobs.drain();
      await lifecycle.drain();
      await runtime.close();
      await database.close();
    },
  };
}

function logCommit(logger: Logger, commit: Commit): void {
  for (const event of commit.events) {
    logger.info('event appended', {
      sandboxId: commit.streamId,
      eventType: event.type,
      version: event.version,
    });
  }
}
