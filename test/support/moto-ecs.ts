import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { EcsTaskRunnerConfig } from '../../functions/adapters/aws/ecs-task-runner.ts';
import { type MotoContext, TEST_DEPLOYMENT_ID } from './moto.ts';

/** The names `EcsTaskRunner` needs, as the fixture made them. */
export type EcsFixture = EcsTaskRunnerConfig;

const CONTAINER = 'sandbox';
const VOLUME = 'sandbox-root';

/**
 * A cluster ready for EC2-launch-type RunTask on moto: a VPC, subnet and
 * security group for awsvpc, a task definition whose volume is
 * configured at launch, and one container instance. moto places tasks
 * only on a registered container instance, which it sizes from the EC2
 * instance named in the identity document (RunInstances, then
 * RegisterContainerInstance, as the ECS agent would).
 */
export async function ecsCluster(moto: MotoContext): Promise<EcsFixture> {
  const { ec2, ecs } = moto;
  const cluster = `auteryn-test-${Date.now()}`;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));

  const vpc = await ec2.send(
    new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }),
  );
  const VpcId = vpc.Vpc?.VpcId as string;
  const subnet = await ec2.send(
    new CreateSubnetCommand({
      VpcId,
      CidrBlock: '10.9.1.0/24',
      AvailabilityZone: `${moto.region}a`,
    }),
  );
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId,
      GroupName: `${cluster}-tasks`,
      Description: 'sandbox tasks',
    }),
  );

  const definition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: cluster,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: CONTAINER,
          image: 'public.ecr.aws/debian/debian:bookworm',
          cpu: 256,
          memory: 512,
          mountPoints: [{ sourceVolume: VOLUME, containerPath: '/data' }],
        },
      ],
      volumes: [{ name: VOLUME, configuredAtLaunch: true }],
    }),
  );

  await registerContainerInstance(moto, cluster, subnet.Subnet?.SubnetId);
  return {
    cluster,
    managedBy: TEST_DEPLOYMENT_ID,
    taskDefinition: definition.taskDefinition?.taskDefinitionArn as string,
    subnets: [subnet.Subnet?.SubnetId as string],
    securityGroups: [group.GroupId as string],
    infrastructureRoleArn:
      'arn:aws:iam::123456789012:role/auteryn-ecs-infrastructure',
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/sandbox-volumes',
    containerName: CONTAINER,
    volumeName: VOLUME,
  };
}

async function registerContainerInstance(
  moto: MotoContext,
  cluster: string,
  subnetId: string | undefined,
): Promise<void> {
  const images = await moto.ec2.send(new DescribeImagesCommand({}));
  const instances = await moto.ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images?.[0]?.ImageId,
      InstanceType: 'm5.xlarge',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
    }),
  );
  const instance = instances.Instances?.[0];
  await moto.ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify({
        instanceId: instance?.InstanceId,
        region: moto.region,
        availabilityZone: instance?.Placement?.AvailabilityZone,
        instanceType: 'm5.xlarge',
      }),
    }),
  );
}

/**
 * The EBS volume ECS would have made for a task with a managed volume.
 * moto ignores `volumeConfigurations` altogether, so this stands in for
 * what it does not emulate: same size and the tags the runner asks ECS
 * to put on the volume.
 */
export async function volumeEcsWouldMake(
  moto: MotoContext,
  sandboxId: string,
  sizeGiB = 20,
): Promise<string> {
  const volume = await moto.ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${moto.region}a`,
      Size: sizeGiB,
      VolumeType: 'gp3',
      TagSpecifications: [
        {
          ResourceType: 'volume',
          Tags: [
            { Key: 'auteryn:sandbox-id', Value: sandboxId },
            { Key: 'auteryn:managed', Value: TEST_DEPLOYMENT_ID },
          ],
        },
      ],
    }),
  );
  return volume.VolumeId as string;
}
