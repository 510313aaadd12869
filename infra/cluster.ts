import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ExplicitActionsRole } from './explicit-role.ts';
import { acknowledge } from './nag.ts';
import type { PlatformConfig } from './platform-config.ts';

// The ECS-optimized AL2023 AMI's root device and a size that holds the
// OS, the agent and the sandbox image layers.
const ROOT_DEVICE = '/dev/xvda';
const ROOT_VOLUME_GIB = 30;

/** Props of {@link SandboxCluster}. */
export interface SandboxClusterProps {
  readonly config: PlatformConfig;
  readonly key: kms.IKey;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
}

/**
 * The ECS cluster the sandboxes run in, on EC2 instances of an Auto
 * Scaling group behind a capacity provider. ECS scales the group to the
 * tasks it must place and never terminates an instance that still runs
 * a sandbox (managed termination protection).
 */
export class SandboxCluster extends Construct {
  readonly cluster: ecs.Cluster;
  readonly capacityProvider: ecs.AsgCapacityProvider;

  constructor(scope: Construct, id: string, props: SandboxClusterProps) {
    super(scope, id);
    const { config, key, vpc } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const [onlyType, ...otherTypes] = config.instanceTypes;
    const single = otherTypes.length === 0;
    const launchTemplate = this.launchTemplate(
      config,
      key,
      vpc,
      single ? onlyType : undefined,
    );
    const autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Asg', {
      vpc,
      vpcSubnets: props.subnets,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      ...(single
        ? { launchTemplate }
        : { mixedInstancesPolicy: mixed(launchTemplate, config) }),
    });
    if (!single) {
      acknowledge(
        autoScalingGroup,
        'AwsSolutions-EC26',
        'the launch template encrypts the root volume with the platform ' +
          'key; cdk-nag only follows a launch template given directly, ' +
          'not one inside a mixed instances policy',
      );
    }
    acknowledge(
      autoScalingGroup,
      'AwsSolutions-AS3',
      'ECS managed scaling drives this group; its scaling activity is ' +
        'visible as EventBridge "EC2 Instance Launch/Terminate" events ' +
        'and in the ECS capacity provider, so no SNS topic is added',
    );

    this.capacityProvider = new ecs.AsgCapacityProvider(this, 'Capacity', {
      autoScalingGroup,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      enableManagedDraining: true,
      targetCapacityPercent: 100,
    });
    this.cluster.addAsgCapacityProvider(this.capacityProvider);
  }

  private launchTemplate(
    config: PlatformConfig,
    key: kms.IKey,
    vpc: ec2.IVpc,
    instanceType: ec2.InstanceType | undefined,
  ): ec2.LaunchTemplate {
    const hardware =
      config.architecture === ec2.InstanceArchitecture.ARM_64
        ? ecs.AmiHardwareType.ARM
        : ecs.AmiHardwareType.STANDARD;

    const role = new ExplicitActionsRole(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Auteryn container instances: the ECS agent only',
    });

    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'what the ECS cluster grants its container agent and IAM cannot ' +
        'scope: ecs:DiscoverPollEndpoint, ecr:GetAuthorizationToken, ' +
        'logs:CreateLogStream/PutLogEvents; ecs:Poll and ' +
        'ecs:StartTelemetrySession are conditioned on this cluster',
    );

    const userData = ec2.UserData.forLinux();
    // Tasks in awsvpc mode get no path to the instance's metadata (and so
    // to its role's credentials).
    userData.addCommands(
      'echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config',
    );

    return new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(hardware),
      instanceType,
      role,
      userData,
      securityGroup: new ec2.SecurityGroup(this, 'Instances', {
        vpc,
        description: 'Auteryn container instances: no inbound, agent out',
        allowAllOutbound: true,
      }),
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: ROOT_DEVICE,
          volume: ec2.BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, {
            encrypted: true,
            kmsKey: key,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
  }
}

function mixed(
  launchTemplate: ec2.LaunchTemplate,
  config: PlatformConfig,
): autoscaling.MixedInstancesPolicy {
  return {
    launchTemplate,
    launchTemplateOverrides: config.instanceTypes.map((instanceType) => ({
      instanceType,
    })),
    instancesDistribution: { onDemandPercentageAboveBaseCapacity: 100 },
  };
}
