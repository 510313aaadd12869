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
}[] = [
  { name: 'dynalite', use: useDynalite },
  { name: 'moto_server', use: useMotoDynamoDB },
];
