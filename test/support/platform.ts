import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AuterynClient } from '../../functions/client/index.ts';
import type { LocalConfig } from '../../functions/local/config.ts';
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
): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'auteryn-test-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    maxUploadBytes: TEST_MAX_UPLOAD_BYTES,
    // Tests run the schedule themselves, through snapshotTick.
    snapshotIntervalMs: 3_600_000,
    logLevel: 'SILENT',
    ...overrides,
  });

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
  snapshotTick(): Promise<void>;
}

/** startTestPlatform for the whole suite, through vitest's hooks. */
export function usePlatform(
  overrides: Partial<LocalConfig> = {},
): PlatformUnderTest {
  let running: TestPlatform | undefined;
  const platform = {} as PlatformUnderTest;

  beforeAll(async () => {
    running = await startTestPlatform(overrides);
    platform.url = running.url;
    platform.dataDir = running.dataDir;
    platform.snapshotTick = () =>
      running?.server.platform.snapshotTick() ?? Promise.resolve();
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
