import { afterAll, beforeAll } from 'vitest';
import {
  ensureTables,
  type TableNames,
  tableNames,
} from '../../functions/adapters/aws/tables.ts';
import {
  type EmbeddedDynamoDB,
  startEmbeddedDynamoDB,
} from '../../functions/local/embedded-dynamodb.ts';

/**
 * A real dynalite in memory for the suite, with the platform's tables,
 * reached through the AWS SDK exactly as in production.
 */
export function useDynalite(): { db: EmbeddedDynamoDB; tables: TableNames } {
  const context = {} as { db: EmbeddedDynamoDB; tables: TableNames };

  beforeAll(async () => {
    context.db = await startEmbeddedDynamoDB();
    context.tables = tableNames(`test${Date.now()}`);
    await ensureTables(context.db.client, context.tables);
  });
  afterAll(async () => {
    await context.db?.close();
  });
  return context;
}
