import { Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformApi } from './api.ts';
import { ExportBucket } from './bucket.ts';
import { PlatformBus } from './bus.ts';
import { SandboxCluster } from './cluster.ts';
import { platformKey } from './encryption.ts';
import { PlatformFunctions } from './functions.ts';
import { handlerEnvironment } from './handler-env.ts';
import { HANDLER_NAMES, HANDLERS } from './handlers.ts';
import { PlatformNetwork } from './network.ts';
import { grantHandler } from './permissions.ts';
import {
  type PlatformConfig,
  resolvePlatformConfig,
} from './platform-config.ts';
import type { AuterynPlatformProps } from './platform-props.ts';
import { PlatformRules } from './rules.ts';
import { SandboxTask } from './sandbox-task.ts';
import { PlatformSchedules } from './schedules.ts';
import { consumeEvents } from './streams.ts';
import { PlatformTables } from './tables.ts';

export type { AuterynPlatformProps } from './platform-props.ts';

/**
 * Auteryn in one construct: the event store and projections (DynamoDB),
 * the API (API Gateway + Lambda, IAM-authorized), the fleet's schedules,
 * the sandbox cluster (ECS on EC2 with managed EBS volumes), the event
 * bus and the export bucket, all on one KMS key.
 */
export class AuterynPlatform extends Construct {
  readonly key: kms.IKey;
  readonly tables: PlatformTables;
  readonly bus: PlatformBus;
  readonly bucket: ExportBucket;
  readonly network: PlatformNetwork;
  readonly cluster: SandboxCluster;
  readonly task: SandboxTask;
  readonly functions: PlatformFunctions;
  readonly api: PlatformApi;

  constructor(scope: Construct, id: string, props: AuterynPlatformProps = {}) {
    super(scope, id);
    const config = resolvePlatformConfig(props, Stack.of(this).stackName);

    this.key = platformKey(this, props.kmsKey, config.removalPolicy);
    const key = this.key;
    this.tables = new PlatformTables(this, 'Tables', { key, config });
    this.bus = new PlatformBus(this, 'Events', { key, config });
    this.bucket = new ExportBucket(this, 'Exports', { key, config });
    this.network = new PlatformNetwork(this, 'Network', {
      key,
      config,
      vpc: props.vpc,
      subnets: props.subnets,
    });
    const { vpc, subnets } = this.network;
    this.cluster = new SandboxCluster(this, 'Sandboxes', {
      config,
      key,
      vpc,
      subnets,
    });
    this.task = new SandboxTask(this, 'SandboxTask', { config, key });

    this.functions = new PlatformFunctions(this, 'Functions', {
      config,
      key,
      vpc,
      subnets,
      securityGroup: this.network.functionSecurityGroup,
      environment: handlerEnvironment({
        config,
        key,
        tables: this.tables,
        bus: this.bus.bus,
        cluster: this.cluster,
        task: this.task,
        subnets: vpc.selectSubnets(subnets),
        sandboxSecurityGroup: this.network.sandboxSecurityGroup,
        bucket: this.bucket.bucket,
      }),
    });
    this.grantHandlers(config);

    const fns = this.functions.byName;
    consumeEvents(
      fns['stream-projector'],
      this.tables.byKey.events,
      this.functions.failureQueue('stream-projector', key),
      key,
    );
    consumeEvents(
      fns.lifecycle,
      this.tables.byKey.events,
      this.functions.failureQueue('lifecycle', key),
      key,
    );

    this.api = new PlatformApi(this, 'Api', {
      handler: fns.api,
      key,
      config,
    });
    new PlatformSchedules(this, 'Schedules', {
      config,
      handlers: {
        snapshotTick: fns['snapshot-tick'],
        idleCheck: fns['idle-check'],
        reconciler: fns.reconciler,
      },
    });
    new PlatformRules(this, 'Rules', {
      clusterArn: this.cluster.cluster.clusterArn,
      handlers: {
        ebsNotification: fns['ebs-notification'],
        ecsTaskState: fns['ecs-task-state'],
      },
    });
  }

  private grantHandlers(config: PlatformConfig): void {
    const sources = {
      key: this.key,
      tables: this.tables,
      cluster: this.cluster,
      task: this.task,
      bus: this.bus,
      bucket: this.bucket,
      exportTargets: config.exportTargets,
      deploymentId: config.deploymentId,
    };
    for (const name of HANDLER_NAMES) {
      grantHandler(this.functions.byName[name], HANDLERS[name], sources);
    }
  }
}
