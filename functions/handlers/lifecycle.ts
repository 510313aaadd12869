import {
  BatchProcessor,
  EventType,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AwsPlatform } from '../aws/platform.ts';
import { commitOfRecord } from '../aws/stream-records.ts';
import { platformOfProcess } from './platform.ts';

/**
 * The events table's stream, second consumer: the side effects each
 * request event asks for (RunTask, StopTask, snapshots, deletes), run by
 * the same lifecycle the local platform runs after each commit. Records
 * are taken in order; a record whose work failed is reported so Lambda
 * retries from it, and the flows re-read state, so a retry never does
 * twice what was done.
 */
export function createLifecycleHandler(platform: AwsPlatform) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  const react = async (record: DynamoDBRecord) => {
    const commit = commitOfRecord(record);
    if (!commit) return;

    await platform.lifecycle.react(commit);
    await platform.lifecycle.settledOrThrow(commit.streamId);
  };

  return (event: DynamoDBStreamEvent, context: Context) =>
    processPartialResponse(event, react, processor, {
      context,
      processInParallel: false,
    });
}

let run: ReturnType<typeof createLifecycleHandler> | undefined;

export const handler = (event: DynamoDBStreamEvent, context: Context) => {
  run ??= createLifecycleHandler(platformOfProcess());
  return run(event, context);
};
