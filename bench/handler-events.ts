import { createSandboxInputSchema } from '../domain/sandbox/commands.ts';
import { ALICE, httpApiEvent } from '../test/fixtures/api-gateway-v2.ts';
import type { HandlerName } from './handler-bundle.ts';
import {
  createdRecord,
  nextSandboxId,
  projected,
  untouched,
} from './handler-stream-events.ts';
import { ACCOUNT, type HandlerWorld, REGION } from './handler-world.ts';

/** What the API lists for ALICE: made once, before the rounds. */
export const LISTED_SANDBOXES = 3;
const ALICE_TENANT = `${ALICE.accountId}:${ALICE.userId.split(':')[0]}`;

/** The two events of one measured process and how to tell they worked. */
export interface HandlerJob {
  events: [unknown, unknown];
  /** Why an answer is not the path meant, or undefined when it is. */
  wrong(answer: unknown): string | undefined;
  /** What the invocations should have left behind, checked after. */
  leftBehind?(): Promise<string | undefined>;
}

const expect =
  (what: string, test: (answer: never) => boolean) => (answer: unknown) =>
    test(answer as never) ? undefined : `expected ${what}`;

/** ALICE's sandboxes, projected, so GET /v1/sandboxes has rows to page. */
export async function seedHandlerWorld(world: HandlerWorld): Promise<void> {
  const { platform } = world.site('api');
  for (let index = 0; index < LISTED_SANDBOXES; index++) {
    const sandboxId = nextSandboxId();
    await platform.handler.execute(sandboxId, {
      type: 'CreateSandbox',
      data: {
        ...createSandboxInputSchema.parse({ name: `listed-${index}` }),
        sandboxId,
        tenantId: ALICE_TENANT,
      },
    });
  }
}

/**
 * Fresh events for one process of a handler: each stream record is a new
 * sandbox's first commit, so every round does the same work.
 */
export async function handlerJob(
  name: HandlerName | 'trivial',
  world: HandlerWorld,
): Promise<HandlerJob> {
  switch (name) {
    case 'trivial':
      return same(
        {},
        expect('{ ok: true }', (a: { ok?: boolean }) => !!a.ok),
      );
    case 'api':
      return same(
        httpApiEvent({ method: 'GET', path: '/v1/sandboxes' }),
        expect(
          `200 with ${LISTED_SANDBOXES} sandboxes`,
          (a: { statusCode: number; body: string }) =>
            a.statusCode === 200 &&
            JSON.parse(a.body).items.length === LISTED_SANDBOXES,
        ),
      );
    case 'stream-projector':
    case 'lifecycle': {
      const site = world.site(name);
      const failedStart = name === 'lifecycle';
      const ids = [nextSandboxId(), nextSandboxId()] as const;
      return {
        events: [
          await createdRecord(site, ids[0], failedStart),
          await createdRecord(site, ids[1], failedStart),
        ],
        wrong: expect(
          'no batch item failures',
          (a: { batchItemFailures: unknown[] }) =>
            a.batchItemFailures.length === 0,
        ),
        leftBehind: () =>
          failedStart ? untouched(site, ids) : projected(site, ids),
      };
    }
    case 'snapshot-tick':
      return same(
        {},
        expect('a tick that ran', (a: { ran: boolean }) => a.ran),
      );
    case 'idle-check':
    case 'reconciler':
      return same(
        {},
        expect('a report', (a) => typeof a === 'object'),
      );
    case 'ebs-notification':
      return same(
        ebsNotification(world.unmanagedSnapshotId),
        expect(
          `{ ignored: ${world.unmanagedSnapshotId} }`,
          (a: { ignored?: string }) => a.ignored === world.unmanagedSnapshotId,
        ),
      );
    case 'ecs-task-state':
      return same(
        taskRunning(),
        expect('{ ignored: RUNNING }', (a: { ignored?: string }) =>
          Boolean(a.ignored === 'RUNNING'),
        ),
      );
  }
}

const same = (event: unknown, wrong: HandlerJob['wrong']): HandlerJob => ({
  events: [event, event],
  wrong,
});

function ebsNotification(snapshotId: string) {
  const arn = `arn:aws:ec2::${REGION}:snapshot/${snapshotId}`;
  return {
    version: '0',
    id: `ebs-${snapshotId}`,
    'detail-type': 'EBS Snapshot Notification',
    source: 'aws.ec2',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [arn],
    detail: {
      event: 'createSnapshot',
      result: 'succeeded',
      cause: '',
      snapshot_id: arn,
      source: `arn:aws:ec2::${REGION}:volume/vol-bench`,
    },
  };
}

function taskRunning() {
  const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/auteryn-bench/0123`;
  return {
    version: '0',
    id: 'ecs-bench',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [taskArn],
    detail: {
      taskArn,
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      startedBy: 'sbx-bench',
    },
  };
}
