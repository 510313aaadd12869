import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ConcurrencyError } from '../../../domain/errors.ts';
import type {
  Commit,
  EventStore,
  StoredEvent,
} from '../../../domain/ports/event-store.ts';

/**
 * Event streams in DynamoDB, one item per commit keyed by stream id and
 * commit revision. A conditional PutItem on a key that must not exist yet
 * is the whole concurrency control: two writers that read revision N both
 * try to write N+1 and exactly one wins. No transactions, so it runs on
 * dynalite and within the 400 KB item limit (a commit is a few events).
 */
export class DynamoDBEventStore implements EventStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async append(
    streamId: string,
    expectedRevision: number,
    events: readonly StoredEvent[],
  ): Promise<Commit> {
    const commit: Commit = {
      streamId,
      revision: expectedRevision + 1,
      events: [...events],
    };

    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            streamId: { S: streamId },
            revision: { N: String(commit.revision) },
            events: { S: JSON.stringify(commit.events) },
          },
          ConditionExpression: 'attribute_not_exists(revision)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrencyError(streamId, expectedRevision, {
          cause: error,
        });
      }
      throw error;
    }
    return commit;
  }

  async *read(streamId: string, afterRevision = 0): AsyncIterable<Commit> {
    let startKey: QueryCommand['input']['ExclusiveStartKey'];

    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'streamId = :s AND revision > :r',
          ExpressionAttributeValues: {
            ':s': { S: streamId },
            ':r': { N: String(afterRevision) },
          },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );

      for (const item of page.Items ?? []) {
        yield {
          streamId,
          revision: Number(item.revision?.N),
          events: JSON.parse(item.events?.S ?? '[]') as StoredEvent[],
        };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
