import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { MotoContext } from './moto.ts';

/**
 * DynamoDB Streams spoken as raw JSON 1.0. moto answers
 * ApproximateCreationDateTime as an ISO string where the SDK expects
 * epoch seconds, and the SDK refuses the whole response; moto does not
 * check signatures, so plain requests do. (Emulators only: an account
 * would want them signed.)
 */
async function streams<T>(
  moto: MotoContext,
  action: string,
  body: object,
): Promise<T> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20261203/us-east-1/dynamodb/' +
        'aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `${action} answered ${response.status}: ${await response.text()}`,
    );
  }
  return (await response.json()) as T;
}

/**
 * Reads a table's DynamoDB stream on moto the way Lambda's event source
 * mapping does: each call returns the records written since the last
 * one, shaped as the DynamoDBStreamEvent a stream handler receives.
 */
export async function streamOf(moto: MotoContext, tableName: string) {
  const table = await moto.dynamodb.send(
    new DescribeTableCommand({ TableName: tableName }),
  );
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  const iterators = new Map<string, string | undefined>();

  return {
    async next(): Promise<DynamoDBStreamEvent> {
      const described = await streams<{
        StreamDescription: { Shards: { ShardId: string }[] };
      }>(moto, 'DescribeStream', { StreamArn: streamArn });
      const records: DynamoDBRecord[] = [];

      for (const { ShardId } of described.StreamDescription.Shards) {
        if (!iterators.has(ShardId)) {
          const started = await streams<{ ShardIterator: string }>(
            moto,
            'GetShardIterator',
            {
              StreamArn: streamArn,
              ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            },
          );
          iterators.set(ShardId, started.ShardIterator);
        }
        const iterator = iterators.get(ShardId);
        if (!iterator) continue;

        const page = await streams<{
          Records: DynamoDBRecord[];
          NextShardIterator?: string;
        }>(moto, 'GetRecords', { ShardIterator: iterator });
        iterators.set(ShardId, page.NextShardIterator);
        for (const record of page.Records) {
          records.push({ ...record, eventSourceARN: streamArn });
        }
      }
      return { Records: records };
    },
  };
}
