import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { SandboxSize } from '../domain/sandbox/sizes.ts';
import type { SnapshotRetention } from '../domain/snapshots/snapshot.ts';

/** What one sandbox size gets: vCPUs, memory and its EBS volume. */
export interface SandboxSizeSpec {
  /** vCPUs reserved for the task (ECS: 1024 CPU units each). */
  readonly cpus: number;
  /** Memory the task may use, in GiB. */
  readonly memoryGiB: number;
  /** Size of the sandbox's EBS volume (mounted at /sandbox), in GiB. */
  readonly diskGiB: number;
}

/** A destination the sandboxes may open connections to. */
export interface EgressRule {
  /** Where to, e.g. `ec2.Peer.ipv4('10.0.0.0/8')` or a prefix list. */
  readonly peer: ec2.IPeer;
  /** Which ports, e.g. `ec2.Port.tcp(443)`. */
  readonly port: ec2.Port;
  /** Shown on the security group rule. */
  readonly description?: string;
}

/** The props of {@link AuterynPlatform}; every one is optional. */
export interface AuterynPlatformProps {
  /**
   * The VPC for the sandboxes and the functions that reach them. It needs
   * private subnets with egress (NAT or endpoints for ECS, ECR, EC2, S3,
   * DynamoDB, CloudWatch Logs, EventBridge, Secrets Manager).
   * @default a new VPC: 2 AZs, public and private subnets, one NAT gateway
   *   (about 33 USD a month plus 0.045 USD per GB in us-east-1)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Where sandbox tasks and the VPC-attached functions run.
   * @default the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The sizes a sandbox can have. Each one given replaces the default of
   * that name.
   * @default small 1 vCPU / 2 GiB / 10 GiB disk, medium 2 / 4 / 20,
   *   large 4 / 8 / 50 (the domain's sizes)
   */
  readonly sandboxSizes?: Partial<Record<SandboxSize, SandboxSizeSpec>>;
  /**
   * Instance types of the container instances, all of one architecture
   * (arm64 Graviton or x86_64; the AMI and the image follow it).
   * @default ['c7g.2xlarge'] (8 vCPU, 16 GiB: two large sandboxes or
   *   several smaller ones)
   */
  readonly instanceTypes?: string[];
  /**
   * Fewest container instances. 0 costs nothing at rest, but the first
   * sandbox to start waits for an instance to boot (minutes).
   * @default 0
   */
  readonly minCapacity?: number;
  /**
   * Most container instances.
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * How often running sandboxes that changed are snapshotted; whole
   * minutes, at least one.
   * @default Duration.minutes(5)
   */
  readonly snapshotInterval?: Duration;
  /**
   * How often idle sandboxes are looked for; whole minutes.
   * @default Duration.minutes(1)
   */
  readonly idleCheckInterval?: Duration;
  /**
   * Snapshot retention of sandboxes that set none.
   * @default { retention: '7d', maxSnapshots: 100 }
   */
  readonly defaultRetention?: SnapshotRetention;
  /**
   * The key for tables, queues, logs, the bus, the bucket, the secret and
   * the EBS volumes. An imported key's policy must already allow the
   * services listed in docs/deploy.md.
   * @default a new symmetric key with yearly rotation
   */
  readonly kmsKey?: kms.IKey;
  /**
   * What the sandboxes may reach. Nothing may reach them but the
   * platform's functions, on the agent port.
   * @default all outbound traffic
   */
  readonly allowedEgress?: EgressRule[];
  /**
   * What happens to the data (tables, bucket, key, secret, logs) when the
   * stack is deleted. With DESTROY a non-empty bucket still blocks it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the custom event bus the platform publishes its events on.
   * @default 'auteryn'
   */
  readonly eventBusName?: string;
  /**
   * How long the bus's archive keeps events (0 days keeps them forever).
   * @default Duration.days(30)
   */
  readonly eventArchiveRetention?: Duration;
  /**
   * How long the functions', the API's and the sandboxes' logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Regions this deployment may export sandboxes to, each with the
   * target deployment's export bucket (its `ExportBucket` output) and
   * optionally the KMS key ARN EBS copies are re-encrypted with there.
   * @default {} (exports only to this deployment's own bucket)
   */
  readonly exportTargets?: Record<string, ExportTarget>;
  /**
   * The value of the `auteryn:managed` tag on every task, volume and
   * snapshot this deployment makes; its IAM policies act only on
   * resources carrying it, so two deployments in one account cannot
   * touch each other's. 1–128 of `A-Za-z0-9._-`.
   * @default the stack's name
   */
  readonly deploymentId?: string;
}

/** Where exports to one region go. */
export interface ExportTarget {
  readonly bucketName: string;
  /** @default the target region's default EBS encryption key */
  readonly kmsKeyArn?: string;
  /**
   * The target deployment's `deploymentId`: EBS copies are tagged with
   * it, so that deployment may take them over.
   * @default this deployment's own deploymentId
   */
  readonly deploymentId?: string;
}
