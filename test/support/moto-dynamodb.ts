import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll } from 'vitest';
import {
  ensureTables,
  type TableNames,
  tableNames,
} from '../../functions/adapters/aws/tables.ts';
import { useDynalite } from './dynamodb.ts';
import { useMoto } from './moto.ts';

/** What a DynamoDB contract suite needs: a client and the tables. */
export interface DynamoDBContext {
  db: { client: DynamoDBClient };
  tables: TableNames;
}

/**
 * The platform's tables on moto_server (or on AWS_ENDPOINT_URL), each
 * suite under its own prefix so that runs against a shared endpoint do
 * not collide.
 */
export function useMotoDynamoDB(): DynamoDBContext {
  const moto = useMoto();
  const context = {} as DynamoDBContext;

  beforeAll(async () => {
    context.db = { client: moto.dynamodb };
    context.tables = tableNames(`test${Date.now()}`);
    await ensureTables(moto.dynamodb, context.tables);
  });
  return context;
}

/**
 * Every DynamoDB the adapters must work on: dynalite (what the local
 * platform embeds) and moto_server (the emulator the AWS tests use).
 * Contract suites run once per entry with `describe.each`.
 */
export const dynamoDBBackends: {
  name: string;
  use: () => DynamoDBContext;
  /**
   * Whether two conditional writes sent at once are checked one after
   * the other, as DynamoDB guarantees. moto_server's threaded server
   * checks them side by side (seen here: both claims of a name won), so
   * on moto the racing cases send their writes one after another.
   */
  atomicWrites: boolean;
}[] = [
  { name: 'dynalite', use: useDynalite, atomicWrites: true },
  { name: 'moto_server', use: useMotoDynamoDB, atomicWrites: false },
];

/** Runs the calls at once where the backend is atomic, else in turn. */
export async function race<T>(
  atomicWrites: boolean,
  calls: (() => Promise<T>)[],
): Promise<PromiseSettledResult<T>[]> {
  if (atomicWrites) return Promise.allSettled(calls.map((call) => call()));

  const settled: PromiseSettledResult<T>[] = [];
  for (const call of calls) {
    settled.push(
      await call().then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
  }
  return settled;
}
