import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Commit, StoredEvent } from '../../domain/ports/event-store.ts';

type Image = Record<string, AttributeValue>;

/**
 * The commit a record of the events table's stream carries (NEW_IMAGE:
 * the item as DynamoDBEventStore wrote it), or undefined for a record
 * that is not a new commit (the table is append-only: there are none).
 */
export function commitOfRecord(record: DynamoDBRecord): Commit | undefined {
  if (record.eventName !== 'INSERT') return undefined;
  const image = record.dynamodb?.NewImage as Image | undefined;
  const streamId = image?.streamId?.S;
  const revision = image?.revision?.N;
  if (!streamId || !revision) return undefined;

  return {
    streamId,
    revision: Number(revision),
    events: JSON.parse(image.events?.S ?? '[]') as StoredEvent[],
  };
}
