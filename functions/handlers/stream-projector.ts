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
 * The events table's stream, first consumer: brings the current-state
 * projection up to each commit (idempotent and version-guarded, so
 * redeliveries are harmless) and publishes the commit's events on the
 * platform's bus. Publishing from the log, never from a command, keeps
 * the bus from telling anything the log does not hold.
 */
export function createStreamProjector(platform: AwsPlatform) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  const project = async (record: DynamoDBRecord) => {
    const commit = commitOfRecord(record);
    if (!commit) return;

    const view = await platform.projector.apply(commit);
    await platform.publisher.publish(
      commit.events.map((event) => ({
        detailType: event.type,
        detail: {
          sandboxId: commit.streamId,
          tenantId: view?.sandbox.tenantId,
          version: event.version,
          at: event.at,
          data: event.data,
        },
        resources: [],
      })),
    );
  };

  return (event: DynamoDBStreamEvent, context: Context) =>
    processPartialResponse(event, project, processor, {
      context,
      processInParallel: false,
    });
}

let run: ReturnType<typeof createStreamProjector> | undefined;

export const handler = (event: DynamoDBStreamEvent, context: Context) => {
  run ??= createStreamProjector(platformOfProcess());
  return run(event, context);
};
