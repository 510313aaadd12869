import {
  type AttributeValue,
  type DynamoDBClient,
  paginateScan,
} from '@aws-sdk/client-dynamodb';

/**
 * Every item of a table, page by page, read consistently: for the few
 * whole-table reads (start-up repair, resuming transfers), never a
 * request path.
 */
export async function* scanItems(
  client: DynamoDBClient,
  tableName: string,
): AsyncIterable<Record<string, AttributeValue>> {
  const pages = paginateScan(
    { client },
    { TableName: tableName, ConsistentRead: true },
  );
  for await (const page of pages) yield* page.Items ?? [];
}
