import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  NameClaim,
  NameRegistry,
} from '../../../domain/ports/sandbox-views.ts';
import { scanItems } from './dynamodb-scan.ts';

const nameKey = (tenantId: string, name: string) => `${tenantId}#${name}`;

/** One item per claimed name, written only where none exists. */
export class DynamoDBNameRegistry implements NameRegistry {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async claim(
    tenantId: string,
    name: string,
    sandboxId: string,
  ): Promise<string> {
    const key = nameKey(tenantId, name);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { nameKey: { S: key }, sandboxId: { S: sandboxId } },
          ConditionExpression: 'attribute_not_exists(nameKey)',
        }),
      );
      return sandboxId;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }

    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { nameKey: { S: key } },
        ConsistentRead: true,
      }),
    );
    // Released between our put and this read: claim again.
    return Item?.sandboxId?.S ?? this.claim(tenantId, name, sandboxId);
  }

  async takeOver(
    tenantId: string,
    name: string,
    from: string,
    to: string,
  ): Promise<boolean> {
    return this.conditionalWrite(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { nameKey: { S: nameKey(tenantId, name) }, sandboxId: { S: to } },
        ConditionExpression: 'sandboxId = :from',
        ExpressionAttributeValues: { ':from': { S: from } },
      }),
    );
  }

  async release(
    tenantId: string,
    name: string,
    sandboxId: string,
  ): Promise<void> {
    await this.conditionalWrite(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { nameKey: { S: nameKey(tenantId, name) } },
        ConditionExpression: 'sandboxId = :id',
        ExpressionAttributeValues: { ':id': { S: sandboxId } },
      }),
    );
  }

  async *claims(): AsyncIterable<NameClaim> {
    for await (const item of scanItems(this.client, this.tableName)) {
      const key = item.nameKey?.S ?? '';
      const split = key.lastIndexOf('#');
      yield {
        tenantId: key.slice(0, split),
        name: key.slice(split + 1),
        sandboxId: item.sandboxId?.S ?? '',
      };
    }
  }

  private async conditionalWrite(
    command: PutItemCommand | DeleteItemCommand,
  ): Promise<boolean> {
    try {
      await this.client.send(command as PutItemCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
