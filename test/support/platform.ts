import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { LocalConfig } from '../../functions/local/config.ts';
import {
  type RunningServer,
  startServer,
} from '../../functions/local/server.ts';

export interface PlatformUnderTest {
  url: string;
  dataDir: string;
  server: RunningServer;
  /** Stops the platform and starts a new one on the same data. */
  restart(): Promise<void>;
}

/**
 * A real platform for the suite: HTTP server on a free loopback port,
 * dynalite and sandboxes under a fresh temp directory, all removed after.
 */
export function usePlatform(
  overrides: Partial<LocalConfig> = {},
): PlatformUnderTest {
  const platform = {} as PlatformUnderTest;
  const config = (dataDir: string): LocalConfig => ({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    maxUploadBytes: 64 * 1024 * 1024,
    logLevel: 'SILENT',
    ...overrides,
  });

  beforeAll(async () => {
    platform.dataDir = await mkdtemp(join(tmpdir(), 'auteryn-test-'));
    platform.server = await startServer(config(platform.dataDir));
    platform.url = platform.server.url;
    platform.restart = async () => {
      await platform.server.close();
      platform.server = await startServer(config(platform.dataDir));
      platform.url = platform.server.url;
    };
  });

  afterAll(async () => {
    await platform.server?.close();
    if (platform.dataDir) {
      await rm(platform.dataDir, { recursive: true, force: true });
    }
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
