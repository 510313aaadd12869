import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from './nag.ts';
import { EncryptedQueueDestination } from './queues.ts';

// Retries of a failing batch before it goes to the failure queue; with
// bisection a poison record is isolated in about log2(100) of them.
const STREAM_RETRIES = 10;
const STREAM_BATCH_SIZE = 100;

/**
 * Attaches a consumer to the events table's stream. There are exactly
 * two (projector, lifecycle): DynamoDB Streams throttles more than two
 * readers of one shard (DynamoDB developer guide, Streams quotas).
 * Records arrive in order per sandbox stream; the handler reports the
 * records it failed so only those are retried, and only new commits
 * (INSERT) reach it: the table is append-only.
 */
export function consumeEvents(
  fn: lambda.IFunction,
  table: dynamodb.ITable,
  failures: sqs.IQueue,
  key: kms.IKey,
): void {
  acknowledge(
    failures,
    'AwsSolutions-SQS3',
    'this queue is the on-failure destination of an events stream ' +
      'mapping: batches that exhausted their retries wait here 14 days',
  );
  fn.addEventSource(
    new DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_BATCH_SIZE,
      bisectBatchOnError: true,
      retryAttempts: STREAM_RETRIES,
      reportBatchItemFailures: true,
      onFailure: new EncryptedQueueDestination(failures, key),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
        }),
      ],
    }),
  );
}
