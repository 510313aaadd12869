import { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AGENT_PORT, type HandlerEnvName } from '../functions/handlers/env.ts';
import type { SandboxCluster } from './cluster.ts';
import {
  durationText,
  type PlatformConfig,
  sizesAsResources,
} from './platform-config.ts';
import type { SandboxTask } from './sandbox-task.ts';
import type { PlatformTables } from './tables.ts';

/** The resources whose names and ARNs the handlers are given. */
export interface HandlerEnvSources {
  readonly config: PlatformConfig;
  readonly tables: PlatformTables;
  readonly bus: events.IEventBus;
  readonly cluster: SandboxCluster;
  readonly task: SandboxTask;
  readonly subnets: ec2.SelectedSubnets;
  readonly sandboxSecurityGroup: ec2.ISecurityGroup;
  readonly key: kms.IKey;
  readonly bucket: s3.IBucket;
}

/**
 * Exactly the variables of functions/handlers/env.ts: the type makes a
 * missing or an extra one a compile error here, and readHandlerEnv()
 * checks the values at every cold start.
 */
export function handlerEnvironment(
  sources: HandlerEnvSources,
): Record<HandlerEnvName, string> {
  const { config, tables, task } = sources;
  const table = (key: keyof PlatformTables['byKey']) =>
    tables.byKey[key].tableName;

  return {
    EVENTS_TABLE: table('events'),
    SANDBOXES_TABLE: table('sandboxes'),
    NAMES_TABLE: table('names'),
    ACTIVITY_TABLE: table('activity'),
    SCHEDULES_TABLE: table('schedules'),
    TRANSFERS_TABLE: table('transfers'),
    EVENT_BUS_NAME: sources.bus.eventBusName,
    CLUSTER_ARN: sources.cluster.cluster.clusterArn,
    TASK_DEFINITION_ARN: task.taskDefinition.taskDefinitionArn,
    CAPACITY_PROVIDER: sources.cluster.capacityProvider.capacityProviderName,
    SUBNET_IDS: sources.subnets.subnetIds.join(','),
    SANDBOX_SECURITY_GROUP_ID: sources.sandboxSecurityGroup.securityGroupId,
    INFRASTRUCTURE_ROLE_ARN: task.infrastructureRole.roleArn,
    KMS_KEY_ARN: sources.key.keyArn,
    EXPORT_BUCKET: sources.bucket.bucketName,
    AGENT_SECRET_ARN: task.agentSecret.secretArn,
    AGENT_PORT: String(AGENT_PORT),
    SNAPSHOT_INTERVAL: durationText(config.snapshotInterval),
    IDLE_CHECK_INTERVAL: durationText(config.idleCheckInterval),
    DEFAULT_RETENTION: config.defaultRetention.retention,
    DEFAULT_MAX_SNAPSHOTS: String(config.defaultRetention.maxSnapshots),
    SANDBOX_SIZES: JSON.stringify(sizesAsResources(config.sandboxSizes)),
    AUTERYN_REGION: Stack.of(sources.bus).region,
    DEPLOYMENT_ID: config.deploymentId,
    EXPORT_DEPLOYMENTS: JSON.stringify(
      Object.fromEntries(
        Object.entries(config.exportTargets).map(([region, target]) => [
          region,
          target.deploymentId ?? config.deploymentId,
        ]),
      ),
    ),
    EXPORT_TARGETS: Stack.of(sources.bus).toJsonString({
      // Exports to this region land in this deployment's own bucket.
      [Stack.of(sources.bus).region]:
        `s3://${sources.bucket.bucketName}/exports`,
      ...Object.fromEntries(
        Object.entries(config.exportTargets).map(([region, target]) => [
          region,
          `s3://${target.bucketName}/exports`,
        ]),
      ),
    }),
    EXPORT_KMS_KEYS: Stack.of(sources.bus).toJsonString(
      Object.fromEntries(
        Object.entries(config.exportTargets).flatMap(([region, target]) =>
          target.kmsKeyArn ? [[region, target.kmsKeyArn]] : [],
        ),
      ),
    ),
    LOG_LEVEL: 'INFO',
  };
}
