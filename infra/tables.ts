import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
  Projection,
} from '@aws-sdk/client-dynamodb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  type TableNames,
  tableDefinitions,
} from '../functions/adapters/aws/tables.ts';
import type { PlatformConfig } from './platform-config.ts';

export type TableKey = keyof TableNames;

// Each definition's TableName is its key here: CloudFormation names the
// real tables, so two deployments in one account never collide.
const LOGICAL_NAMES: TableNames = {
  events: 'events',
  sandboxes: 'sandboxes',
  names: 'names',
  activity: 'activity',
  schedules: 'schedules',
  transfers: 'transfers',
};

const PROJECTION_TYPES: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
};

const ATTRIBUTE_TYPES: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

/**
 * The platform's DynamoDB tables, keyed exactly as tableDefinitions()
 * says (the one place the local platform creates them from too): on
 * demand, the customer's key, point-in-time recovery. The events table
 * streams new items to the projector and the lifecycle reactor.
 */
export class PlatformTables extends Construct {
  readonly byKey: Record<TableKey, dynamodb.Table>;
  private readonly indexes: Partial<Record<TableKey, string[]>> = {};

  constructor(
    scope: Construct,
    id: string,
    props: { key: kms.IKey; config: PlatformConfig },
  ) {
    super(scope, id);

    const entries = tableDefinitions(LOGICAL_NAMES).map((definition) => {
      const key = definition.TableName as TableKey;
      return [key, this.table(key, definition, props)] as const;
    });
    this.byKey = Object.fromEntries(entries) as Record<
      TableKey,
      dynamodb.Table
    >;
  }

  /**
   * A statement allowing `actions` on one table and each of its indexes
   * by name (the CDK's table.grant() allows `index/*`).
   */
  statement(key: TableKey, actions: string[]): iam.PolicyStatement {
    const { tableArn } = this.byKey[key];
    const indexArns = (this.indexes[key] ?? []).map(
      (index) => `${tableArn}/index/${index}`,
    );
    return new iam.PolicyStatement({
      actions,
      resources: [tableArn, ...indexArns],
    });
  }

  private table(
    key: TableKey,
    definition: CreateTableCommandInput,
    props: { key: kms.IKey; config: PlatformConfig },
  ): dynamodb.Table {
    const attributes = definition.AttributeDefinitions ?? [];
    const table = new dynamodb.Table(this, capitalized(key), {
      ...keysOf(definition.KeySchema, attributes),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.config.removalPolicy,
      stream: key === 'events' ? dynamodb.StreamViewType.NEW_IMAGE : undefined,
    });

    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexName = index.IndexName as string;
      this.indexes[key] = [...(this.indexes[key] ?? []), indexName];
      table.addGlobalSecondaryIndex({
        indexName,
        ...keysOf(index.KeySchema, attributes),
        ...projectionOf(index.Projection),
      });
    }
    return table;
  }
}

function keysOf(
  schema: KeySchemaElement[] | undefined,
  attributes: AttributeDefinition[],
): { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute } {
  const attribute = (role: 'HASH' | 'RANGE') => {
    const name = schema?.find((k) => k.KeyType === role)?.AttributeName;
    if (!name) return undefined;

    const declared = attributes.find((a) => a.AttributeName === name);
    const type = ATTRIBUTE_TYPES[declared?.AttributeType ?? ''];
    if (!type) throw new Error(`table key ${name}: no attribute type`);
    return { name, type };
  };

  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new Error('table definition without a HASH key');
  return { partitionKey, sortKey: attribute('RANGE') };
}

function projectionOf(projection: Projection | undefined) {
  const type = projection?.ProjectionType ?? 'ALL';
  const projectionType = PROJECTION_TYPES[type];
  if (!projectionType) throw new Error(`index projection ${type}: unmapped`);

  return {
    projectionType,
    nonKeyAttributes: projection?.NonKeyAttributes,
  };
}

const capitalized = (text: string) => text[0]?.toUpperCase() + text.slice(1);
