import type { Context } from 'aws-lambda';
import type { AwsPlatform } from '../aws/platform.ts';
import { platformOfProcess } from './platform.ts';

/**
 * The idle check (EventBridge schedule, every IDLE_CHECK_INTERVAL): CPU
 * samples from each running sandbox's agent, and StopSandbox (reason
 * `idle`) for the idle ones. The stop itself, snapshot first, is the
 * lifecycle handler's, from the stream.
 */
export function createIdleCheck(platform: AwsPlatform) {
  return async (_event: unknown, _context?: Context) => {
    const report = await platform.idleCheck.run();
    platform.log.info('idle check', { ...report });
    return report;
  };
}

let run: ReturnType<typeof createIdleCheck> | undefined;

export const handler = (event: unknown, context: Context) => {
  run ??= createIdleCheck(platformOfProcess());
  return run(event, context);
};
