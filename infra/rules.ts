import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The handlers AWS service events are routed to. */
export interface IntegrationHandlers {
  readonly ebsNotification: lambda.IFunction;
  readonly ecsTaskState: lambda.IFunction;
}

/**
 * Rules on the default bus for what AWS reports about the platform's
 * resources: EBS snapshot results (which AWS neither archives nor
 * retries: the reconciler covers a lost one) and the state changes of
 * this cluster's tasks.
 */
export class PlatformRules extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { handlers: IntegrationHandlers; clusterArn: string },
  ) {
    super(scope, id);

    new events.Rule(this, 'EbsSnapshots', {
      description: 'Auteryn: EBS snapshot results',
      eventPattern: {
        source: ['aws.ec2'],
        detailType: ['EBS Snapshot Notification'],
        detail: { event: ['createSnapshot', 'copySnapshot'] },
      },
      targets: [new targets.LambdaFunction(props.handlers.ebsNotification)],
    });

    new events.Rule(this, 'EcsTasks', {
      description: 'Auteryn: state changes of sandbox tasks',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.clusterArn] },
      },
      targets: [new targets.LambdaFunction(props.handlers.ecsTaskState)],
    });
  }
}
