import type { Attachment, Task } from '@aws-sdk/client-ecs';

/** What the platform needs to know about a sandbox's task. */
export interface TaskDescription {
  lastStatus: string | undefined;
  desiredStatus: string | undefined;
  stoppedReason: string | undefined;
  stopCode: string | undefined;
  /** The task ENI's private IPv4 address (awsvpc). */
  privateIp?: string;
  /** The task's managed EBS volume, once ECS made one. */
  volumeId?: string;
}

/** A task's lifecycle in order (ECS developer guide, "Task lifecycle"). */
const LIFECYCLE = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
];

export function describeTask(task: Task): TaskDescription {
  const eni = attachment(task, 'ElasticNetworkInterface');
  const ebs = attachment(task, 'AmazonElasticBlockStorage');
  return {
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    stoppedReason: task.stoppedReason || undefined,
    stopCode: task.stopCode,
    privateIp: detail(eni, 'privateIPv4Address'),
    volumeId: detail(ebs, 'volumeId'),
  };
}

/**
 * Whether the task is at `status`, past it on the way to STOPPED, or not
 * there yet. A task waited on to run that is past RUNNING never will.
 */
export function reached(
  task: TaskDescription,
  status: string,
): 'reached' | 'passed' | 'not-yet' {
  const at = LIFECYCLE.indexOf(task.lastStatus ?? '');
  const wanted = LIFECYCLE.indexOf(status);
  if (at === wanted) return 'reached';
  if (at > wanted && status === 'RUNNING') return 'passed';
  return at > wanted ? 'reached' : 'not-yet';
}

const attachment = (task: Task, type: string) =>
  task.attachments?.find((candidate) => candidate.type === type);

const detail = (attached: Attachment | undefined, name: string) =>
  attached?.details?.find((pair) => pair.name === name)?.value;
