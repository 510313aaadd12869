/**
 * The Lambda handlers, one entry file each in this folder. Kept apart
 * from infra/handlers.ts (which needs aws-cdk-lib) so that the
 * benchmarks can list them without loading CDK.
 */
export const HANDLER_NAMES = [
  'api',
  'snapshot-tick',
  'idle-check',
  'stream-projector',
  'lifecycle',
  'ebs-notification',
  'ecs-task-state',
  'reconciler',
] as const;

export type HandlerName = (typeof HANDLER_NAMES)[number];
