import { fileURLToPath } from 'node:url';
import { IgnoreMode, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AGENT_PORT } from '../functions/handlers/env.ts';
import { grantKey } from './encryption.ts';
import { acknowledge } from './nag.ts';
import type { PlatformConfig } from './platform-config.ts';

/** The repository root: the image's build context. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

// Nothing the image needs, and much that would slow every build.
const IMAGE_EXCLUDES = [
  '**/node_modules',
  '.git',
  '**/cdk.out',
  '.auteryn',
  '.tmp',
];

/** The volume the lifecycle reactor configures at every RunTask. */
export const SANDBOX_VOLUME = 'sandbox';
const SANDBOX_MOUNT = '/sandbox';

/**
 * What one sandbox is on ECS: a task definition with one container, the
 * sandbox agent, and a managed EBS volume configured at launch (from the
 * sandbox's last snapshot). The task role holds no permission at all;
 * the execution role pulls the image and writes logs; the
 * infrastructure role lets ECS create the volume. The agents' signing
 * key is kept here for the functions that call agents, never given to
 * a task.
 */
export class SandboxTask extends Construct {
  readonly taskDefinition: ecs.TaskDefinition;
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly infrastructureRole: iam.Role;
  readonly agentSecret: secrets.Secret;

  constructor(
    scope: Construct,
    id: string,
    props: { config: PlatformConfig; key: kms.IKey },
  ) {
    super(scope, id);
    const { config, key } = props;

    this.agentSecret = new secrets.Secret(this, 'AgentKey', {
      description: 'Auteryn: the key that signs calls to sandbox agents',
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.removalPolicy,
    });
    acknowledge(
      this.agentSecret,
      'AwsSolutions-SMG4',
      'every running sandbox holds a token derived from this key; rotating ' +
        'it means restarting them all, so it is rotated by the runbook in ' +
        'docs/deploy.md',
    );

    this.taskRole = this.ecsTasksRole('TaskRole', 'nothing: the sandbox');
    this.executionRole = this.ecsTasksRole(
      'ExecutionRole',
      'pull the sandbox image, write its logs',
    );
    acknowledge(
      this.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken takes no resource; pulling the image ' +
        'itself is limited to the asset repository',
    );
    this.infrastructureRole = this.volumesRole(key);

    this.taskDefinition = this.definition(config, key);
  }

  private definition(config: PlatformConfig, key: kms.IKey) {
    const smallest = config.sandboxSizes.small;
    const taskDefinition = new ecs.TaskDefinition(this, 'Definition', {
      compatibility: ecs.Compatibility.EC2,
      networkMode: ecs.NetworkMode.AWS_VPC,
      // RunTask overrides both with the sandbox's size.
      cpu: String(smallest.cpus * 1024),
      memoryMiB: String(smallest.memoryGiB * 1024),
      taskRole: this.taskRole,
      executionRole: this.executionRole,
      volumes: [{ name: SANDBOX_VOLUME, configuredAtLaunch: true }],
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: key,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const container = taskDefinition.addContainer('Sandbox', {
      containerName: 'sandbox',
      image: ecs.ContainerImage.fromDockerImageAsset(this.image(config)),
      essential: true,
      portMappings: [{ containerPort: AGENT_PORT }],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'sandbox', logGroup }),
      // No secret here: the signing key opens every agent. RunTask hands
      // each task its own token (AUTERYN_AGENT_TOKEN, derived from the
      // key and the sandbox id) and AUTERYN_SANDBOX_ID as overrides.
    });
    container.addMountPoints({
      sourceVolume: SANDBOX_VOLUME,
      containerPath: SANDBOX_MOUNT,
      readOnly: false,
    });
    return taskDefinition;
  }

  private image(config: PlatformConfig): ecrAssets.DockerImageAsset {
    const arm = config.architecture === ec2.InstanceArchitecture.ARM_64;
    return new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: 'functions/agent/Dockerfile',
      exclude: IMAGE_EXCLUDES,
      ignoreMode: IgnoreMode.DOCKER,
      platform: arm
        ? ecrAssets.Platform.LINUX_ARM64
        : ecrAssets.Platform.LINUX_AMD64,
    });
  }

  private ecsTasksRole(id: string, description: string): iam.Role {
    return new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
      description: `Auteryn sandbox tasks: ${description}`,
    });
  }

  private volumesRole(key: kms.IKey): iam.Role {
    const role = new iam.Role(this, 'InfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'Auteryn: lets ECS create and attach sandbox EBS volumes',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName(
          'service-role/AmazonECSInfrastructureRolePolicyForVolumes',
        ),
      ],
    });
    grantKey(key, role, 'ebs');
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes]',
      'the policy AWS maintains for exactly this role; its EC2 actions are ' +
        'limited to volumes ECS creates and tags itself',
    );
    return role;
  }
}
