import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { LocalConfig } from './config.ts';
import {
  type LocalPlatform,
  type PlatformOptions,
  startLocalPlatform,
} from './platform.ts';

export interface RunningServer {
  platform: LocalPlatform;
  url: string;
  close(): Promise<void>;
}

/** The local platform behind a Node HTTP server on `host:port`. */
export async function startServer(
  config: LocalConfig,
  options: PlatformOptions = {},
): Promise<RunningServer> {
  const platform = await startLocalPlatform(config, options);

  const server = serve({
    fetch: platform.app.fetch,
    hostname: config.host,
    port: config.port,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  const { port } = server.address() as AddressInfo;
  return {
    platform,
    url: `http://${config.host}:${port}`,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Keep-alive connections would hold close() open indefinitely.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      await platform.close();
    },
  };
}
