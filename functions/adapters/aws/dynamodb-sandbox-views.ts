import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  SandboxView,
  SandboxViews,
} from '../../../domain/ports/sandbox-views.ts';
import type { Sandbox } from '../../../domain/sandbox/state.ts';
import {
  isActive,
  type SandboxSummary,
  summarize,
} from '../../../domain/sandbox/summary.ts';
import { scanItems } from './dynamodb-scan.ts';
import { ACTIVE_INDEX, ACTIVE_SHARDS, BY_TENANT_INDEX } from './tables.ts';

type Item = Record<string, AttributeValue>;

const toView = (item: Item): SandboxView => ({
  sandbox: JSON.parse(item.body?.S ?? '{}') as Sandbox,
  revision: Number(item.revision?.N),
});

/**
 * The current-state projection: one item per sandbox, replaced whole and
 * guarded by revision so that commit N lands only on top of N-1.
 */
export class DynamoDBSandboxViews implements SandboxViews {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(sandboxId: string): Promise<SandboxView | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
        ConsistentRead: true,
      }),
    );
    return Item ? toView(Item) : undefined;
  }

  async list(tenantId: string): Promise<Sandbox[]> {
    const sandboxes: Sandbox[] = [];
    let startKey: Item | undefined;

    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_TENANT_INDEX,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': { S: tenantId } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) sandboxes.push(toView(item).sandbox);
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    return sandboxes;
  }

  async *all(): AsyncIterable<SandboxView> {
    for await (const item of scanItems(this.client, this.tableName)) {
      yield toView(item);
    }
  }

  async *active(): AsyncIterable<SandboxSummary> {
    for (let shard = 0; shard < ACTIVE_SHARDS; shard++) {
      let startKey: Item | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ACTIVE_INDEX,
            KeyConditionExpression: 'activeShard = :s',
            ExpressionAttributeValues: { ':s': { S: shardName(shard) } },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          yield JSON.parse(item.summary?.S ?? '{}') as SandboxSummary;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  async save(view: SandboxView, previousRevision: number): Promise<boolean> {
    const { sandbox, revision } = view;
    const guard =
      previousRevision === 0
        ? 'attribute_not_exists(sandboxId)'
        : 'revision = :previous';

    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            sandboxId: { S: sandbox.id },
            tenantId: { S: sandbox.tenantId },
            createdAt: { S: `${sandbox.createdAt}#${sandbox.id}` },
            revision: { N: String(revision) },
            body: { S: JSON.stringify(sandbox) },
            ...activeAttributes(sandbox),
          },
          ConditionExpression: guard,
          ExpressionAttributeValues:
            previousRevision === 0
              ? undefined
              : { ':previous': { N: String(previousRevision) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

const shardName = (shard: number) => `active-${shard}`;

/** Only sandboxes that hold resources carry the sparse index's key. */
function activeAttributes(sandbox: Sandbox): Item {
  if (!isActive(sandbox.status)) return {};
  return {
    activeShard: { S: shardName(shardOf(sandbox.id)) },
    summary: { S: JSON.stringify(summarize(sandbox)) },
  };
}

/** A stable spread of ids over the shards (FNV-1a). */
function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash % ACTIVE_SHARDS;
}
