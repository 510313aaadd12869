import type { RunTaskCommandInput, Tag } from '@aws-sdk/client-ecs';

/** RunTask's clientToken: up to 64 ASCII characters (ECS idempotency). */
export const MAX_CLIENT_TOKEN_LENGTH = 64;

/** startedBy: up to 36 letters, digits, `-`, `/` and `_` (ECS API). */
export const MAX_STARTED_BY_LENGTH = 36;

/** StopTask's `reason`: up to 255 characters (ECS API). */
export const MAX_STOP_REASON_LENGTH = 255;

/** Fixed names of the task, its volume and the resources around it. */
export interface EcsTaskRunnerConfig {
  cluster: string;
  /** The deployment's id: its `auteryn:managed` tag value. */
  managedBy: string;
  /** Family[:revision] or ARN; its volume has `configuredAtLaunch`. */
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  /** Role ECS assumes to create, attach and tag the EBS volume. */
  infrastructureRoleArn: string;
  /** KMS key of the volumes; default: the account's EBS default key. */
  kmsKeyId?: string;
  /** Capacity provider to place on; default: the EC2 launch type. */
  capacityProvider?: string;
  /** Container that gets the cpu, memory and env overrides. */
  containerName: string;
  /** The task definition's volume the managed EBS volume fills. */
  volumeName: string;
}

export interface RunSandboxInput {
  sandboxId: string;
  tenantId: string;
  /**
   * How many times this sandbox was started before (any number that
   * grows with each start): with the sandbox id it is the RunTask client
   * token, so a retried start does not run a second task.
   */
  startCount: number;
  sizeGiB: number;
  /** Restore the volume from this EBS snapshot; default: a blank one. */
  fromProviderSnapshotId?: string;
  /** vCPUs (1 = 1 024 ECS CPU units). */
  cpus: number;
  memoryMiB: number;
  env: Record<string, string>;
}

export const TASK_TAGS = {
  sandboxId: 'auteryn:sandbox-id',
  tenant: 'auteryn:tenant',
  start: 'auteryn:start',
  managed: 'auteryn:managed',
} as const;

const CPU_UNITS_PER_VCPU = 1024;

export const startedByOf = (sandboxId: string) =>
  sandboxId.replace(/[^A-Za-z0-9/_-]/g, '_').slice(0, MAX_STARTED_BY_LENGTH);

export const clientTokenOf = (input: RunSandboxInput) =>
  `${input.sandboxId}.start.${input.startCount}`.slice(
    -MAX_CLIENT_TOKEN_LENGTH,
  );

/** The RunTask request for one start of a sandbox. */
export function runTaskRequest(
  config: EcsTaskRunnerConfig,
  input: RunSandboxInput,
): RunTaskCommandInput {
  const cpu = Math.round(input.cpus * CPU_UNITS_PER_VCPU);
  return {
    cluster: config.cluster,
    taskDefinition: config.taskDefinition,
    count: 1,
    ...(config.capacityProvider
      ? {
          capacityProviderStrategy: [
            { capacityProvider: config.capacityProvider, weight: 1 },
          ],
        }
      : { launchType: 'EC2' }),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: config.subnets,
        securityGroups: config.securityGroups,
        assignPublicIp: 'DISABLED',
      },
    },
    startedBy: startedByOf(input.sandboxId),
    clientToken: clientTokenOf(input),
    enableECSManagedTags: true,
    tags: [
      ...ecsTags(input, config.managedBy),
      { key: TASK_TAGS.start, value: String(input.startCount) },
    ],
    overrides: {
      cpu: String(cpu),
      memory: String(input.memoryMiB),
      containerOverrides: [
        {
          name: config.containerName,
          cpu,
          memory: input.memoryMiB,
          environment: Object.entries(input.env).map(([name, value]) => ({
            name,
            value,
          })),
        },
      ],
    },
    volumeConfigurations: [
      {
        name: config.volumeName,
        managedEBSVolume: {
          roleArn: config.infrastructureRoleArn,
          sizeInGiB: input.sizeGiB,
          ...(input.fromProviderSnapshotId
            ? { snapshotId: input.fromProviderSnapshotId }
            : {}),
          volumeType: 'gp3',
          encrypted: true,
          ...(config.kmsKeyId ? { kmsKeyId: config.kmsKeyId } : {}),
          // Must match the snapshot's filesystem when restoring from one.
          filesystemType: 'xfs',
          // Kept after the task stops: stop snapshots it, then deletes it.
          terminationPolicy: { deleteOnTermination: false },
          tagSpecifications: [
            {
              resourceType: 'volume',
              tags: ecsTags(input, config.managedBy),
              propagateTags: 'NONE',
            },
          ],
        },
      },
    ],
  };
}

function ecsTags(input: RunSandboxInput, managedBy: string): Tag[] {
  return [
    { key: TASK_TAGS.sandboxId, value: input.sandboxId },
    { key: TASK_TAGS.tenant, value: input.tenantId },
    { key: TASK_TAGS.managed, value: managedBy },
  ];
}
