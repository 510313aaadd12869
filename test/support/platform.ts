import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SandboxUsage } from '../../domain/ports/sandbox-runtime.ts';
import type { IdleCheckReport } from '../../domain/services/idle-check.ts';
import { AuterynClient } from '../../functions/client/index.ts';
import { type LocalConfig, localConfig } from '../../functions/local/config.ts';
import type { PlatformOptions } from '../../functions/local/platform.ts';
import {
  type RunningServer,
  startServer,
} from '../../functions/local/server.ts';

/** Small enough for a test to go past it cheaply. */
export const TEST_MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

export interface TestPlatform {
  url: string;
  dataDir: string;
  server: RunningServer;
  client: AuterynClient;
  close(): Promise<void>;
}

/**
 * A real platform: HTTP server on a free loopback port, dynalite and
 * sandboxes under a fresh temp directory that `close` removes.
 */
export async function startTestPlatform(
  overrides: Partial<LocalConfig> = {},
  options: PlatformOptions = {},
): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'auteryn-test-'));
  const server = await startServer(
    localConfig({
      port: 0,
      dataDir,
      maxUploadBytes: TEST_MAX_UPLOAD_BYTES,
      // Tests run the schedules themselves, through snapshotTick etc.
      snapshotIntervalMs: 3_600_000,
      idleCheckIntervalMs: 3_600_000,
      logLevel: 'SILENT',
      ...overrides,
    }),
    options,
  );

  return {
    url: server.url,
    dataDir,
    server,
    client: new AuterynClient({ baseUrl: server.url }),
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Names the platform accepts and no other test in the file uses. */
let counter = 0;
export const uniqueName = (prefix: string) =>
  `${prefix}-${process.pid}-${++counter}`;

export interface PlatformUnderTest {
  url: string;
  dataDir: string;
  /** Runs the automatic snapshot schedule once and waits for it. */
  snapshotTick(): Promise<unknown>;
  /** Runs the idle check once and waits for the stops it asked. */
  idleCheck(): Promise<IdleCheckReport>;
  /** What the runtime measures of a sandbox (CPU time and so on). */
  usage(sandboxId: string): Promise<SandboxUsage>;
}

/** startTestPlatform for the whole suite, through vitest's hooks. */
export function usePlatform(
  overrides: Partial<LocalConfig> = {},
  options: PlatformOptions = {},
): PlatformUnderTest {
  let running: TestPlatform | undefined;
  const platform = {} as PlatformUnderTest;

  beforeAll(async () => {
    running = await startTestPlatform(overrides, options);
    platform.url = running.url;
    platform.dataDir = running.dataDir;
    platform.snapshotTick = () =>
      running?.server.platform.snapshotTick() ?? Promise.resolve();
    platform.usage = async (sandboxId) => {
      if (!running) throw new Error('the platform is not running');
      return running.server.platform.runtime.usage(sandboxId);
    };
    platform.idleCheck = async () => {
      if (!running) throw new Error('the platform is not running');
      return running.server.platform.idleCheck();
    };
  });
  afterAll(async () => {
    await running?.close();
  });
  return platform;
}

/** fetch with a JSON body, for the tests that need the raw response. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string'
          ? body
          : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, headers: response.headers, json };
}
