import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  SANDBOX_SIZES,
  type SandboxSize,
  sandboxSizeSchema,
} from '../domain/sandbox/sizes.ts';
import {
  DEFAULT_SNAPSHOT_RETENTION,
  type SnapshotRetention,
  snapshotRetentionSchema,
} from '../domain/snapshots/snapshot.ts';
import type {
  AuterynPlatformProps,
  EgressRule,
  ExportTarget,
  SandboxSizeSpec,
} from './platform-props.ts';

const GIB = 1024 ** 3;

// An EC2-launch task may reserve up to 10 vCPU in task-level CPU units
// and an EBS volume of 1 to 16 384 GiB (ECS RunTask / EBS CreateVolume).
const MAX_TASK_CPUS = 10;
const MAX_VOLUME_GIB = 16_384;

/** The props with every default filled in and checked. */
export interface PlatformConfig {
  readonly sandboxSizes: Record<SandboxSize, SandboxSizeSpec>;
  readonly instanceTypes: ec2.InstanceType[];
  readonly architecture: ec2.InstanceArchitecture;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly snapshotInterval: Duration;
  readonly idleCheckInterval: Duration;
  readonly defaultRetention: SnapshotRetention;
  /** Undefined: all outbound traffic. */
  readonly allowedEgress: EgressRule[] | undefined;
  readonly removalPolicy: RemovalPolicy;
  readonly eventBusName: string;
  readonly eventArchiveRetention: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly exportTargets: Record<string, ExportTarget>;
  readonly deploymentId: string;
}

const defaultSizes = Object.fromEntries(
  sandboxSizeSchema.options.map((size) => {
    const { cpus, memoryBytes, diskBytes } = SANDBOX_SIZES[size];
    const spec = {
      cpus,
      memoryGiB: memoryBytes / GIB,
      diskGiB: diskBytes / GIB,
    };
    return [size, spec];
  }),
) as Record<SandboxSize, SandboxSizeSpec>;

/** Fills in the defaults and rejects what cannot deploy, by name. */
export function resolvePlatformConfig(
  props: AuterynPlatformProps,
  stackName = 'Auteryn',
): PlatformConfig {
  const sandboxSizes = { ...defaultSizes, ...props.sandboxSizes };
  for (const [size, spec] of Object.entries(sandboxSizes)) {
    checkSize(size, spec);
  }

  const instanceTypes = (props.instanceTypes ?? ['c7g.2xlarge']).map(
    (name) => new ec2.InstanceType(name),
  );
  const architecture = oneArchitecture(instanceTypes);

  const minCapacity = props.minCapacity ?? 0;
  const maxCapacity = props.maxCapacity ?? 10;
  if (minCapacity < 0 || maxCapacity < Math.max(1, minCapacity)) {
    throw new Error(
      `capacity: need 0 <= minCapacity <= maxCapacity and maxCapacity >= 1, ` +
        `got ${minCapacity}..${maxCapacity}`,
    );
  }

  return {
    sandboxSizes,
    instanceTypes,
    architecture,
    minCapacity,
    maxCapacity,
    snapshotInterval: wholeMinutes(
      'snapshotInterval',
      props.snapshotInterval ?? Duration.minutes(5),
    ),
    idleCheckInterval: wholeMinutes(
      'idleCheckInterval',
      props.idleCheckInterval ?? Duration.minutes(1),
    ),
    defaultRetention: snapshotRetentionSchema.parse(
      props.defaultRetention ?? DEFAULT_SNAPSHOT_RETENTION,
    ),
    allowedEgress: props.allowedEgress,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    eventBusName: props.eventBusName ?? 'auteryn',
    eventArchiveRetention: props.eventArchiveRetention ?? Duration.days(30),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    exportTargets: props.exportTargets ?? {},
    deploymentId: deploymentIdOf(props.deploymentId ?? stackName),
  };
}

/** A tag value IAM conditions compare exactly: kept plain and short. */
function deploymentIdOf(id: string): string {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) {
    throw new Error(
      `deploymentId: 1-128 of A-Za-z0-9._- (it is a tag value), got "${id}"`,
    );
  }
  return id;
}

/** The sizes as the handlers read them (SANDBOX_SIZES): bytes. */
export function sizesAsResources(sizes: Record<SandboxSize, SandboxSizeSpec>) {
  return Object.fromEntries(
    Object.entries(sizes).map(([size, spec]) => [
      size,
      {
        cpus: spec.cpus,
        memoryBytes: spec.memoryGiB * GIB,
        diskBytes: spec.diskGiB * GIB,
      },
    ]),
  );
}

/** `5m`, `1h`, `7d`: the duration syntax the domain parses. */
export function durationText(duration: Duration): string {
  const minutes = duration.toMinutes();
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

function checkSize(size: string, spec: SandboxSizeSpec): void {
  const fits =
    spec.cpus > 0 &&
    spec.cpus <= MAX_TASK_CPUS &&
    spec.memoryGiB > 0 &&
    Number.isInteger(spec.diskGiB) &&
    spec.diskGiB >= 1 &&
    spec.diskGiB <= MAX_VOLUME_GIB;
  if (!fits) {
    throw new Error(
      `sandboxSizes.${size}: cpus in (0, ${MAX_TASK_CPUS}], memoryGiB > 0 ` +
        `and diskGiB a whole number in [1, ${MAX_VOLUME_GIB}]`,
    );
  }
}

function oneArchitecture(types: ec2.InstanceType[]): ec2.InstanceArchitecture {
  const [first, ...rest] = types;
  if (!first) throw new Error('instanceTypes: give at least one');

  const mixed = rest.find((type) => type.architecture !== first.architecture);
  if (mixed) {
    throw new Error(
      `instanceTypes: ${mixed} is not ${first.architecture} like ${first}; ` +
        'one AMI and one image serve them all, so use one architecture',
    );
  }
  return first.architecture;
}

function wholeMinutes(prop: string, duration: Duration): Duration {
  const seconds = duration.toSeconds();
  if (seconds < 60 || seconds % 60 !== 0) {
    throw new Error(`${prop}: whole minutes, at least 1 (got ${seconds}s)`);
  }
  return duration;
}
