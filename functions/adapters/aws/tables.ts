import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/** Names of the platform's DynamoDB tables. */
export interface TableNames {
  events: string;
  sandboxes: string;
  names: string;
  activity: string;
  schedules: string;
  /** Exports and imports with their progress. */
  transfers: string;
}

export const tableNames = (prefix: string): TableNames => ({
  events: `${prefix}-events`,
  sandboxes: `${prefix}-sandboxes`,
  names: `${prefix}-names`,
  activity: `${prefix}-activity`,
  schedules: `${prefix}-schedules`,
  transfers: `${prefix}-transfers`,
});

/** GSI listing a tenant's sandboxes, oldest first. */
export const BY_TENANT_INDEX = 'byTenant';

/**
 * Sparse GSI of the sandboxes that hold resources, with only their
 * summary: what the snapshot tick and the idle check read, so they never
 * scan every full history. Its key is spread over a few shards so that
 * no single index partition takes every write of a large fleet.
 */
export const ACTIVE_INDEX = 'byActivity';
export const ACTIVE_SHARDS = 8;

/**
 * Key schemas of every table. The CDK stack declares the same keys; the
 * local platform creates the tables from here on first start.
 */
export function tableDefinitions(names: TableNames): CreateTableCommandInput[] {
  const onDemand = { BillingMode: 'PAY_PER_REQUEST' } as const;
  return [
    {
      TableName: names.events,
      KeySchema: [
        { AttributeName: 'streamId', KeyType: 'HASH' },
        { AttributeName: 'revision', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'streamId', AttributeType: 'S' },
        { AttributeName: 'revision', AttributeType: 'N' },
      ],
      ...onDemand,
    },
    {
      TableName: names.sandboxes,
      KeySchema: [{ AttributeName: 'sandboxId', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'sandboxId', AttributeType: 'S' },
        { AttributeName: 'tenantId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
        { AttributeName: 'activeShard', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_TENANT_INDEX,
          KeySchema: [
            { AttributeName: 'tenantId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: ACTIVE_INDEX,
          KeySchema: [
            { AttributeName: 'activeShard', KeyType: 'HASH' },
            { AttributeName: 'sandboxId', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['summary'],
          },
        },
      ],
      ...onDemand,
    },
    {
      TableName: names.names,
      KeySchema: [{ AttributeName: 'nameKey', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'nameKey', AttributeType: 'S' }],
      ...onDemand,
    },
    {
      TableName: names.activity,
      KeySchema: [{ AttributeName: 'sandboxId', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'sandboxId', AttributeType: 'S' },
      ],
      ...onDemand,
    },
    {
      TableName: names.schedules,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ...onDemand,
    },
    {
      TableName: names.transfers,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ...onDemand,
    },
  ];
}

/** Creates any missing table and waits until each is active. */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
  options: {
    /** Give `events` its NEW_IMAGE stream, as on AWS (not on dynalite). */
    eventsStream?: boolean;
  } = {},
): Promise<void> {
  for (const definition of tableDefinitions(names)) {
    const withStream =
      options.eventsStream && definition.TableName === names.events
        ? {
            StreamSpecification: {
              StreamEnabled: true,
              StreamViewType: 'NEW_IMAGE' as const,
            },
          }
        : {};
    try {
      await client.send(
        new CreateTableCommand({ ...definition, ...withStream }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists(
      { client, maxWaitTime: 60, minDelay: 1 },
      { TableName: definition.TableName },
    );
  }
}
