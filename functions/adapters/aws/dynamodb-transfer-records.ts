import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { TransferRecords } from '../../../domain/ports/transfer-records.ts';
import type {
  ExportRecord,
  ImportRecord,
} from '../../../domain/transfer/transfer.ts';
import { scanItems } from './dynamodb-scan.ts';

type Kind = 'export' | 'import';

/**
 * One item per export or import, its record as JSON. Each transfer has
 * one writer at a time (its job), so an update reads, merges and writes
 * the whole record; creating is conditional, so a repeated request finds
 * the first one's record instead of making another.
 */
export class DynamoDBTransferRecords implements TransferRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  getExport(exportId: string) {
    return this.get<ExportRecord>('export', exportId);
  }

  getImport(importId: string) {
    return this.get<ImportRecord>('import', importId);
  }

  createExport(record: ExportRecord) {
    return this.create('export', record);
  }

  createImport(record: ImportRecord) {
    return this.create('import', record);
  }

  async updateExport(exportId: string, change: Partial<ExportRecord>) {
    await this.update<ExportRecord>('export', exportId, change);
  }

  async updateImport(importId: string, change: Partial<ImportRecord>) {
    await this.update<ImportRecord>('import', importId, change);
  }

  async unfinished() {
    const exports: ExportRecord[] = [];
    const imports: ImportRecord[] = [];
    for await (const item of scanItems(this.client, this.tableName)) {
      const record = JSON.parse(item.body?.S ?? '{}');
      if (record.status !== 'pending' && record.status !== 'copying') {
        continue;
      }
      if (item.kind?.S === 'export') exports.push(record);
      if (item.kind?.S === 'import') imports.push(record);
    }
    return { exports, imports };
  }

  private async get<T>(kind: Kind, id: string): Promise<T | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { id: { S: id } },
        ConsistentRead: true,
      }),
    );
    if (Item?.kind?.S !== kind) return undefined;
    return JSON.parse(Item.body?.S ?? '{}') as T;
  }

  private async create(
    kind: Kind,
    record: { id: string; tenantId: string },
  ): Promise<boolean> {
    try {
      await this.put(kind, record, 'attribute_not_exists(id)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async update<T extends { id: string; tenantId: string }>(
    kind: Kind,
    id: string,
    change: Partial<T>,
  ): Promise<void> {
    const current = await this.get<T>(kind, id);
    if (!current) throw new Error(`no ${kind} ${id} to update`);
    await this.put(kind, { ...current, ...change });
  }

  private async put(
    kind: Kind,
    record: { id: string; tenantId: string },
    condition?: string,
  ): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          id: { S: record.id },
          kind: { S: kind },
          tenantId: { S: record.tenantId },
          body: { S: JSON.stringify(record) },
        },
        ConditionExpression: condition,
      }),
    );
  }
}
