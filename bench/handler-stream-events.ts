import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StoredEvent } from '../domain/ports/event-store.ts';
import { createSandboxInputSchema } from '../domain/sandbox/commands.ts';
import { decide } from '../domain/sandbox/decide.ts';
import { ACCOUNT, type HandlerSite, REGION } from './handler-world.ts';

const OTHER_TENANT = `${ACCOUNT}:AROABENCHEXAMPLE`;

let sandboxes = 0;
/** Unique in the run, so every round works on sandboxes of its own. */
export const nextSandboxId = () =>
  `sbx-bench${process.pid.toString(16)}${(++sandboxes).toString(16)}`;

/**
 * A stream event of one INSERT record: a new sandbox's SandboxCreated
 * commit, read back from the events table as DynamoDBEventStore wrote it
 * and not projected yet (what the projector then does). With
 * `failedStart` its start is already recorded as failed, as on a
 * redelivery: the lifecycle loads the sandbox and finds nothing to start
 * (a real start needs ECS to run a task and an agent to answer).
 */
export async function createdRecord(
  site: HandlerSite,
  sandboxId: string,
  failedStart: boolean,
): Promise<DynamoDBStreamEvent> {
  const input = createSandboxInputSchema.parse({ name: sandboxId });
  const data = { ...input, sandboxId, tenantId: OTHER_TENANT };
  const at = new Date().toISOString();
  const events: StoredEvent[] = decide(
    { type: 'CreateSandbox', data },
    undefined,
  ).map((event, index) => ({ ...event, at, version: index + 1 }));
  await site.platform.events.append(sandboxId, 0, events);

  if (failedStart) {
    await site.platform.handler.execute(sandboxId, {
      type: 'RecordSandboxStartFailed',
      data: { error: 'bench: no ECS here' },
    });
  }
  return { Records: [await insertRecord(site, sandboxId)] };
}

export async function projected(site: HandlerSite, ids: readonly string[]) {
  for (const id of ids) {
    const view = await site.platform.views.get(id);
    if (view?.revision !== 1) return `expected ${id} projected at 1`;
  }
  return undefined;
}

/** The lifecycle found nothing to do: the streams end at the failure. */
export async function untouched(site: HandlerSite, ids: readonly string[]) {
  for (const id of ids) {
    let commits = 0;
    for await (const _ of site.platform.events.read(id)) commits++;
    if (commits !== 2) return `expected ${id} left at 2 commits`;
  }
  return undefined;
}

async function insertRecord(
  site: HandlerSite,
  streamId: string,
): Promise<DynamoDBRecord> {
  const Keys = { streamId: { S: streamId }, revision: { N: '1' } };
  const { Item } = await site.platform.clients.dynamodb.send(
    new GetItemCommand({ TableName: site.tables.events, Key: Keys }),
  );
  const stream = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${site.tables.events}/stream/2026-12-03T00:00:00.000`;
  return {
    eventID: `${streamId}-1`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: Keys as never,
      NewImage: Item as never,
      SequenceNumber: String(sandboxes).padStart(21, '0'),
      SizeBytes: JSON.stringify(Item).length,
      StreamViewType: 'NEW_IMAGE',
    },
    eventSourceARN: stream,
  };
}
