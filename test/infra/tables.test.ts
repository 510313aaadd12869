import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  tableDefinitions,
  tableNames,
} from '../../functions/adapters/aws/tables.ts';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize();
const TABLE = 'AWS::DynamoDB::Table';

const keyOf = (key: string) => key[0]?.toUpperCase() + key.slice(1);
const definitions = tableDefinitions(tableNames('x'));

describe('DynamoDB tables', () => {
  it('declares one table per definition of the adapters, no more', () => {
    expect(resourcesOf(template, TABLE)).toHaveLength(definitions.length);
  });

  it.each(Object.keys(tableNames('x')))(
    'keys the %s table exactly as tableDefinitions() says',
    (key) => {
      const definition = definitions.find((d) => d.TableName === `x-${key}`);
      const table = resourceNamed(template, TABLE, `Tables${keyOf(key)}`);

      expect(table.properties.KeySchema).toEqual(definition?.KeySchema);
      expect(
        new Set(table.properties.AttributeDefinitions as unknown[]),
      ).toEqual(new Set(definition?.AttributeDefinitions));
      const indexes = (definition?.GlobalSecondaryIndexes ?? []).map((i) => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: i.Projection,
      }));
      expect(table.properties.GlobalSecondaryIndexes ?? []).toEqual(indexes);
    },
  );

  it('keys the events table by streamId and a numeric revision', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [
        { AttributeName: 'streamId', KeyType: 'HASH' },
        { AttributeName: 'revision', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'revision', AttributeType: 'N' },
      ]),
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('lists a tenant sandboxes through the byTenant index', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [{ AttributeName: 'sandboxId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byTenant',
          KeySchema: [
            { AttributeName: 'tenantId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('streams only the events table', () => {
    const streamed = resourcesOf(template, TABLE).filter(
      (t) => t.properties.StreamSpecification,
    );
    expect(streamed.map((t) => t.id)).toEqual([
      expect.stringContaining('TablesEvents'),
    ]);
  });

  it('bills on demand, recovers to a point in time, on the platform key', () => {
    const key = resourcesOf(template, 'AWS::KMS::Key')[0]?.id;
    for (const table of resourcesOf(template, TABLE)) {
      expect(table.properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: true,
        },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
        },
      });
    }
  });

  it('keeps the tables when the stack goes, by default', () => {
    const tables = template.findResources(TABLE);
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('outputs every table name', () => {
    for (const key of Object.keys(tableNames('x'))) {
      template.hasOutput(`${keyOf(key)}TableName`, {
        Value: { Ref: Match.stringLikeRegexp(`Tables${keyOf(key)}`) },
      });
    }
  });
});
