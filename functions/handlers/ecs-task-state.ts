import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { AwsPlatform } from '../aws/platform.ts';
import { platformOfProcess } from './platform.ts';

/** The part of an "ECS Task State Change" `detail` this reads. */
export interface EcsTaskStateChange {
  taskArn: string;
  lastStatus: string;
  desiredStatus?: string;
  stoppedReason?: string;
  stopCode?: string;
  /** The sandbox id: RunTask's `startedBy`. */
  startedBy?: string;
}

type TaskStateChange = EventBridgeEvent<
  'ECS Task State Change',
  EcsTaskStateChange
>;

/**
 * A sandbox's task that stopped when the platform did not ask (the
 * instance went away, the container crashed or ran out of memory):
 * the sandbox is stopped with reason `failure`, which snapshots its
 * kept volume like any stop, so what it wrote is not lost. Tasks that
 * stop because the platform stopped them, or that belong to an older
 * start, change nothing.
 */
export function createTaskStateHandler(platform: AwsPlatform) {
  return async (event: TaskStateChange, _context?: Context) => {
    const { detail } = event;
    const sandboxId = detail.startedBy;
    if (!sandboxId || detail.lastStatus !== 'STOPPED') {
      return { ignored: detail.lastStatus };
    }

    const { state } = await platform.handler.load(sandboxId);
    if (state?.status !== 'running') return { ignored: state?.status };
    const others = await platform.runner.runningTasks(sandboxId);
    if (others.some((taskArn) => taskArn !== detail.taskArn)) {
      return { ignored: 'an older task' };
    }

    platform.log.warn('sandbox task stopped unasked', {
      sandboxId,
      taskArn: detail.taskArn,
      stoppedReason: detail.stoppedReason,
      stopCode: detail.stopCode,
    });
    await platform.handler.execute(sandboxId, {
      type: 'StopSandbox',
      data: { reason: 'failure' },
    });
    return { stopped: sandboxId };
  };
}

let run: ReturnType<typeof createTaskStateHandler> | undefined;

export const handler = (event: TaskStateChange, context: Context) => {
  run ??= createTaskStateHandler(platformOfProcess());
  return run(event, context);
};
