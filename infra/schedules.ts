import { type Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { RECONCILE_INTERVAL } from './handlers.ts';
import { acknowledge, wildcardResourceFinding } from './nag.ts';
import type { PlatformConfig } from './platform-config.ts';

/** The handlers EventBridge Scheduler invokes. */
export interface ScheduledHandlers {
  readonly snapshotTick: lambda.IFunction;
  readonly idleCheck: lambda.IFunction;
  readonly reconciler: lambda.IFunction;
}

/**
 * The fleet's clocks: the snapshot tick, the idle check and the
 * reconciler, each a rate schedule that invokes its handler. A tick that
 * fails is not retried: the next one does the same work.
 */
export class PlatformSchedules extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { handlers: ScheduledHandlers; config: PlatformConfig },
  ) {
    super(scope, id);
    const { handlers, config } = props;

    this.every('SnapshotTick', config.snapshotInterval, handlers.snapshotTick);
    this.every('IdleCheck', config.idleCheckInterval, handlers.idleCheck);
    this.every('Reconcile', RECONCILE_INTERVAL, handlers.reconciler);
  }

  private every(id: string, rate: Duration, fn: lambda.IFunction): void {
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
      description: `Auteryn: lets EventBridge Scheduler invoke ${id}`,
    });
    acknowledge(
      role,
      wildcardResourceFinding(role, `${fn.functionArn}:*`),
      'the versions and aliases of this one function, which the CDK ' +
        'grants with the function itself',
    );

    new scheduler.Schedule(this, id, {
      description: `Auteryn: invokes ${id} every ${rate.toHumanString()}`,
      schedule: scheduler.ScheduleExpression.rate(rate),
      target: new targets.LambdaInvoke(fn, { role, retryAttempts: 0 }),
    });
  }
}
