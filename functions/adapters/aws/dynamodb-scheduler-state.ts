import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  SchedulerCursor,
  SchedulerStateStore,
} from '../../../domain/ports/scheduler-state.ts';

/**
 * One item per schedule: its cursor as JSON, and a lease (holder and
 * expiry) taken with a conditional update, so two invocations of one
 * schedule never run side by side.
 */
export class DynamoDBSchedulerState implements SchedulerStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async load(schedule: string): Promise<SchedulerCursor | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { id: { S: schedule } },
        ConsistentRead: true,
      }),
    );
    const cursor = Item?.cursor?.S;
    return cursor ? (JSON.parse(cursor) as SchedulerCursor) : undefined;
  }

  async save(schedule: string, cursor: SchedulerCursor): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { id: { S: schedule } },
        UpdateExpression: 'SET #cursor = :cursor',
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: { ':cursor': { S: JSON.stringify(cursor) } },
      }),
    );
  }

  async lease(
    schedule: string,
    holder: string,
    until: Date,
    now: Date,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { id: { S: schedule } },
          UpdateExpression: 'SET leaseHolder = :holder, leaseUntil = :until',
          ConditionExpression:
            'attribute_not_exists(leaseUntil) OR leaseUntil < :now ' +
            'OR leaseHolder = :holder',
          ExpressionAttributeValues: {
            ':holder': { S: holder },
            ':until': { S: until.toISOString() },
            ':now': { S: now.toISOString() },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(schedule: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { id: { S: schedule } },
          UpdateExpression: 'REMOVE leaseHolder, leaseUntil',
          ConditionExpression: 'leaseHolder = :holder',
          ExpressionAttributeValues: { ':holder': { S: holder } },
        }),
      );
    } catch (error) {
      // Someone took it after ours ran out: theirs now, leave it be.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
