import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface EmbeddedDynamoDB {
  client: DynamoDBClient;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite in this process, persisted under `path` (LevelDB), reached
 * through the real AWS SDK over loopback HTTP, so the same adapters talk
 * to it and to DynamoDB. Omit `path` for a database in memory.
 */
export async function startEmbeddedDynamoDB(
  path?: string,
): Promise<EmbeddedDynamoDB> {
  const server = dynalite({
    path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  // The lockfile pins an SDK release that supports Node.js 20; its notice
  // about future releases would only alarm a user at every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });

  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
