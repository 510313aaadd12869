import { Duration } from 'aws-cdk-lib';
import type { HandlerName } from '../functions/handlers/names.ts';
import type { TableKey } from './tables.ts';

export {
  HANDLER_NAMES,
  type HandlerName,
} from '../functions/handlers/names.ts';

/** What a handler may do beyond its tables; see permissions.ts. */
export type Capability =
  /** Call sandbox agents: in the VPC, reads the agent's signing key. */
  | 'agent'
  /** Create, copy, tag and delete tagged EBS snapshots and volumes. */
  | 'snapshots'
  /** RunTask / StopTask of tagged sandbox tasks, passing their roles. */
  | 'tasks'
  /** Describe snapshots, volumes and the cluster's tasks. */
  | 'describe'
  /** PutEvents on the platform's bus. */
  | 'publish'
  /** Read and write the export bucket. */
  | 'exports';

/** One Lambda entry point (functions/handlers/<name>.ts) and its needs. */
export interface HandlerSpec {
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /**
   * What invokes it. Schedules and rules invoke asynchronously: failures
   * go to the handler's DLQ; a stream's failed batches to its queue.
   */
  readonly trigger: 'http' | 'schedule' | 'rule' | 'stream';
  /** Lambda's own retries of a failed asynchronous invocation. */
  readonly retryAttempts?: number;
  /**
   * One at a time for the fleet-wide jobs: two ticks at once would ask
   * for the same snapshots and share one EC2 request budget.
   */
  readonly reservedConcurrency?: number;
  readonly tables: Partial<Record<TableKey, 'read' | 'write'>>;
  readonly can: Capability[];
}

const allWrite: HandlerSpec['tables'] = {
  events: 'write',
  sandboxes: 'write',
  names: 'write',
  activity: 'write',
};

/**
 * Every handler, with the least it needs: the access matrix of the
 * platform. The command handler loads projection + stream tail and
 * appends, so whoever issues commands writes `events` and reads
 * `sandboxes`; projections are written guarded, so a writer of
 * `sandboxes` may also be the API (read-your-writes).
 */
export const HANDLERS: Record<HandlerName, HandlerSpec> = {
  api: {
    description: 'Auteryn HTTP API v1 (API Gateway, payload 2.0)',
    timeout: Duration.seconds(29),
    memorySize: 1024,
    trigger: 'http',
    tables: { ...allWrite, schedules: 'read', transfers: 'write' },
    // An import reads its package here and takes over the EBS copies.
    can: ['agent', 'snapshots', 'exports'],
  },
  'snapshot-tick': {
    description: 'Auteryn: snapshots running sandboxes that changed',
    // It paces CreateSnapshot over the slot and stops 15 s before this.
    timeout: Duration.minutes(5),
    memorySize: 512,
    trigger: 'schedule',
    retryAttempts: 0,
    reservedConcurrency: 1,
    tables: {
      events: 'write',
      sandboxes: 'read',
      activity: 'write',
      schedules: 'write',
    },
    // The agents' write counters tell which sandboxes changed.
    can: ['snapshots', 'describe', 'agent'],
  },
  'idle-check': {
    description: 'Auteryn: stops sandboxes idle past their shutdownAfter',
    timeout: Duration.seconds(50),
    memorySize: 512,
    trigger: 'schedule',
    retryAttempts: 0,
    reservedConcurrency: 1,
    tables: { events: 'write', sandboxes: 'read', activity: 'write' },
    // CPU samples come from each sandbox's agent.
    can: ['agent', 'describe'],
  },
  'stream-projector': {
    description: 'Auteryn: events stream to projections and EventBridge',
    timeout: Duration.minutes(1),
    memorySize: 512,
    trigger: 'stream',
    tables: { events: 'read', sandboxes: 'write', names: 'write' },
    can: ['publish'],
  },
  lifecycle: {
    description: 'Auteryn: events stream to runtime side effects',
    // A start waits for RUNNING (up to 5 min) and for the agent.
    timeout: Duration.minutes(10),
    memorySize: 512,
    trigger: 'stream',
    tables: { ...allWrite, transfers: 'write' },
    can: ['tasks', 'snapshots', 'agent', 'exports'],
  },
  'ebs-notification': {
    description: 'Auteryn: EBS snapshot results onto sandbox streams',
    timeout: Duration.seconds(30),
    memorySize: 256,
    trigger: 'rule',
    retryAttempts: 2,
    tables: { events: 'write', sandboxes: 'read' },
    can: ['describe'],
  },
  'ecs-task-state': {
    description: 'Auteryn: ECS task state changes onto sandbox streams',
    timeout: Duration.seconds(30),
    memorySize: 256,
    trigger: 'rule',
    retryAttempts: 2,
    tables: { events: 'write', sandboxes: 'read' },
    can: ['describe'],
  },
  reconciler: {
    description: 'Auteryn: repairs what missed events left pending',
    timeout: Duration.minutes(5),
    memorySize: 512,
    trigger: 'schedule',
    retryAttempts: 0,
    reservedConcurrency: 1,
    tables: { ...allWrite, schedules: 'write', transfers: 'write' },
    // It carries exports on: copies to other regions, packages to buckets.
    can: ['describe', 'snapshots', 'exports'],
  },
};

/** How often the reconciler looks for what events missed. */
export const RECONCILE_INTERVAL = Duration.minutes(10);
