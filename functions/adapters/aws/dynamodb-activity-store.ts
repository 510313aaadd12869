import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ActivityRecord,
  CpuSample,
} from '../../../domain/idle/idle-policy.ts';
import type { ActivityStore } from '../../../domain/ports/activity-store.ts';

/**
 * A touch within this long of the stored one is not written: enough to
 * tell idle from busy, and an agent that execs in a loop costs at most
 * one write per sandbox every few seconds.
 */
export const TOUCH_RESOLUTION_MS = 10_000;

type Item = Record<string, AttributeValue>;

/** The agent's write counter when a snapshot was issued. */
export interface WriteMark {
  snapshotId: string;
  bytesWritten: number;
  /** The agent's start: its counter is comparable within one start. */
  since: string;
}

const text = (value: AttributeValue | undefined) => value?.S ?? null;

/** One item per sandbox with its last use, busy moment and CPU sample. */
export class DynamoDBActivityStore implements ActivityStore {
  /**
   * What this process last wrote per sandbox: a touch within the
   * resolution of it costs no call at all (an agent execing in a loop
   * would otherwise pay a write, refused or not, on every exec).
   */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(sandboxId: string): Promise<ActivityRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
        ConsistentRead: true,
      }),
    );
    return Item ? toRecord(sandboxId, Item) : undefined;
  }

  async touch(sandboxId: string, at: string): Promise<void> {
    const when = Date.parse(at);
    const last = this.touched.get(sandboxId);
    if (last !== undefined && when - last < TOUCH_RESOLUTION_MS) return;
    this.touched.set(sandboxId, when);

    const stale = new Date(when - TOUCH_RESOLUTION_MS).toISOString();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { sandboxId: { S: sandboxId } },
          UpdateExpression: 'SET lastApiAt = :at',
          ConditionExpression:
            'attribute_not_exists(lastApiAt) OR lastApiAt < :stale',
          ExpressionAttributeValues: {
            ':at': { S: at },
            ':stale': { S: stale },
          },
        }),
      );
    } catch (error) {
      // A touch this recent is stored already: nothing to add.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recordSample(
    sandboxId: string,
    sample: CpuSample,
    busy: boolean,
  ): Promise<void> {
    const busyPart = busy ? ', lastBusyAt = :at' : '';
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
        UpdateExpression: `SET sampleAt = :at, cpuSeconds = :cpu${busyPart}`,
        ExpressionAttributeValues: {
          ':at': { S: sample.at },
          ':cpu': { N: String(sample.cpuSeconds) },
        },
      }),
    );
  }

  /**
   * What the sandbox's agent had written to its volume when a snapshot
   * was issued (AWS only): a later reading tells whether it changed.
   */
  async writeMark(sandboxId: string): Promise<WriteMark | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
        ConsistentRead: true,
        ProjectionExpression: 'writeMark',
      }),
    );
    const mark = Item?.writeMark?.S;
    return mark ? (JSON.parse(mark) as WriteMark) : undefined;
  }

  async saveWriteMark(sandboxId: string, mark: WriteMark): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
        UpdateExpression: 'SET writeMark = :mark',
        ExpressionAttributeValues: { ':mark': { S: JSON.stringify(mark) } },
      }),
    );
  }

  async forget(sandboxId: string): Promise<void> {
    this.touched.delete(sandboxId);
    await this.client.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { sandboxId: { S: sandboxId } },
      }),
    );
  }
}

function toRecord(sandboxId: string, item: Item): ActivityRecord {
  const sampleAt = text(item.sampleAt);
  return {
    sandboxId,
    lastApiAt: text(item.lastApiAt),
    lastBusyAt: text(item.lastBusyAt),
    cpuSample:
      sampleAt && item.cpuSeconds?.N
        ? { at: sampleAt, cpuSeconds: Number(item.cpuSeconds.N) }
        : null,
  };
}
