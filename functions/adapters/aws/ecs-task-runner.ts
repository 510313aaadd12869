import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { IllegalStateError, NotFoundError } from '../../../domain/errors.ts';
import { callAws, hasAwsCode, translateAwsError } from './aws-errors.ts';
import { EbsVolumes } from './ebs-volumes.ts';
import {
  type EcsTaskRunnerConfig,
  MAX_STOP_REASON_LENGTH,
  type RunSandboxInput,
  runTaskRequest,
  startedByOf,
  TASK_TAGS,
} from './ecs-run-task-request.ts';
import {
  describeTask,
  reached,
  type TaskDescription,
} from './ecs-task-state.ts';

export type {
  EcsTaskRunnerConfig,
  RunSandboxInput,
} from './ecs-run-task-request.ts';
export type { TaskDescription } from './ecs-task-state.ts';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
}

/**
 * Sandboxes as standalone ECS tasks (RunTask, not services: a service
 * task's volume is ephemeral), each with one task-attached managed EBS
 * volume that outlives the task, so stop can snapshot it once the task
 * has let go of it.
 */
export class EcsTaskRunner {
  private readonly volumes: EbsVolumes;

  constructor(
    private readonly ecs: ECSClient,
    ec2: EC2Client,
    private readonly config: EcsTaskRunnerConfig,
  ) {
    this.volumes = new EbsVolumes(ec2);
  }

  /**
   * Starts the sandbox's task. A retry of the same start (same sandbox
   * id and start count) gets the task of the first attempt: ECS honours
   * the client token, and a task still running for that start is looked
   * up first for endpoints that do not.
   */
  async run(input: RunSandboxInput): Promise<{ taskArn: string }> {
    const running = await this.runningFor(input);
    if (running) return { taskArn: running };

    const output = await callAws(`run task for ${input.sandboxId}`, () =>
      this.ecs.send(new RunTaskCommand(runTaskRequest(this.config, input))),
    );

    const taskArn = output.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const reasons = (output.failures ?? []).map((f) => f.reason).join(', ');
      throw new IllegalStateError(
        `ECS placed no task for ${input.sandboxId}: ${reasons || 'unknown'}`,
      );
    }
    return { taskArn };
  }

  /** Stops the task; one that stopped already (or expired) is done. */
  async stop(taskArn: string, reason: string): Promise<void> {
    try {
      await this.ecs.send(
        new StopTaskCommand({
          cluster: this.config.cluster,
          task: taskArn,
          reason: reason.slice(0, MAX_STOP_REASON_LENGTH),
        }),
      );
    } catch (error) {
      if (isMissingTask(error)) return;
      throw translateAwsError(`stop task ${taskArn}`, error);
    }
  }

  async describe(taskArn: string): Promise<TaskDescription> {
    const task = await this.task(taskArn);
    const description = describeTask(task);
    if (description.volumeId) return description;

    const sandboxId = task.tags?.find(
      (tag) => tag.key === TASK_TAGS.sandboxId,
    )?.value;
    const volumeId = sandboxId ? await this.findVolume(sandboxId) : undefined;
    return { ...description, volumeId };
  }

  /**
   * Polls until the task's lastStatus is `status` or past it. Waiting for
   * RUNNING on a task that stopped instead fails at once with its reason.
   */
  async waitFor(
    taskArn: string,
    status: string,
    options: WaitOptions,
  ): Promise<TaskDescription> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const description = await this.describe(taskArn);
      const state = reached(description, status);
      if (state === 'reached') return description;
      if (state === 'passed') {
        throw new IllegalStateError(
          `task ${taskArn} is ${description.lastStatus}, not ${status}: ` +
            (description.stoppedReason ?? 'no reason given'),
        );
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `task ${taskArn} still ${description.lastStatus} after ` +
            `${options.timeoutMs} ms waiting for ${status}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }

  /** The sandbox's EBS volume (the newest), if it has one. */
  findVolume(sandboxId: string): Promise<string | undefined> {
    return this.volumes.find(sandboxId);
  }

  /** Deletes a detached volume; a missing one is done. */
  deleteVolume(volumeId: string): Promise<void> {
    return this.volumes.delete(volumeId);
  }

  private async task(taskArn: string): Promise<Task> {
    const output = await callAws(`describe task ${taskArn}`, () =>
      this.ecs.send(
        new DescribeTasksCommand({
          cluster: this.config.cluster,
          tasks: [taskArn],
          include: ['TAGS'],
        }),
      ),
    );
    const task = output.tasks?.[0];
    if (!task) throw new NotFoundError(`task ${taskArn} not found`);
    return task;
  }

  /** The sandbox's tasks that ECS means to keep running, newest last. */
  async runningTasks(sandboxId: string): Promise<string[]> {
    const listed = await callAws(`list tasks of ${sandboxId}`, () =>
      this.ecs.send(
        new ListTasksCommand({
          cluster: this.config.cluster,
          startedBy: startedByOf(sandboxId),
          desiredStatus: 'RUNNING',
        }),
      ),
    );
    return listed.taskArns ?? [];
  }

  private async runningFor(input: RunSandboxInput) {
    for (const taskArn of await this.runningTasks(input.sandboxId)) {
      const task = await this.task(taskArn);
      const start = task.tags?.find((tag) => tag.key === TASK_TAGS.start);
      const sandbox = task.tags?.find((t) => t.key === TASK_TAGS.sandboxId);
      if (
        start?.value === String(input.startCount) &&
        sandbox?.value === input.sandboxId
      ) {
        return taskArn;
      }
    }
    return undefined;
  }
}

/** ECS answers an unknown (or long expired) task this way. */
const isMissingTask = (error: unknown) =>
  hasAwsCode(error, 'InvalidParameterException') &&
  /not found/i.test((error as Error).message);
