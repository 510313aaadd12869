import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuterynClient } from '../../functions/client/index.ts';
import { startServer } from '../../functions/local/server.ts';

export interface TestPlatform {
  url: string;
  client: AuterynClient;
  close(): Promise<void>;
}

/** Small enough for a test to go past it cheaply. */
export const TEST_MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

/** The whole local platform on a free port, with data in a temp folder. */
export async function startTestPlatform(): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'auteryn-client-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    maxUploadBytes: TEST_MAX_UPLOAD_BYTES,
    logLevel: 'SILENT',
  });

  return {
    url: server.url,
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
