import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBEventStore } from '../functions/adapters/aws/dynamodb-event-store.ts';
import { ensureTables, tableNames } from '../functions/adapters/aws/tables.ts';
import { startEmbeddedDynamoDB } from '../functions/local/embedded-dynamodb.ts';
import { interleave, row, summarize } from './stats.ts';

/**
 * The event store's append against the floor it stands on: a raw
 * conditional PutItem of the same item size on the same dynalite.
 */
export async function benchEventStore(scale: number): Promise<string[]> {
  const db = await startEmbeddedDynamoDB();
  const tables = tableNames('bench');
  await ensureTables(db.client, tables);
  const store = new DynamoDBEventStore(db.client, tables.events);

  const event = (version: number) => ({
    type: 'SandboxUpdated',
    data: { shutdownAfter: version % 2 ? '30m' : '1h' },
    at: new Date().toISOString(),
    version,
  });

  const [appends, puts] = await interleave(
    10,
    Math.max(10, Math.round(100 * scale)),
    (i) => store.append('bench-store', i, [event(i + 1)]),
    (i) =>
      db.client.send(
        new PutItemCommand({
          TableName: tables.events,
          Item: {
            streamId: { S: 'bench-raw' },
            revision: { N: String(i + 1) },
            events: { S: JSON.stringify([event(i + 1)]) },
          },
          ConditionExpression: 'attribute_not_exists(revision)',
        }),
      ),
  );
  await db.close();

  const raw = summarize(puts);
  return [
    row('raw conditional PutItem (baseline)', raw),
    row('EventStore.append', summarize(appends), raw),
  ];
}
