import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

const { app, template } = synthesize();
const keyId = resourcesOf(template, 'AWS::KMS::Key')[0]?.id;
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

const [taskDefinition] = resourcesOf(template, 'AWS::ECS::TaskDefinition');
const task = taskDefinition?.properties as Record<string, unknown> & {
  ContainerDefinitions: Record<string, unknown>[];
};

describe('sandbox cluster', () => {
  it('turns container insights on', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('scales an ASG capacity provider that protects busy instances', () => {
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: {
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedTerminationProtection: 'ENABLED',
        ManagedDraining: 'ENABLED',
      },
    });
    template.hasResourceProperties(
      'AWS::ECS::ClusterCapacityProviderAssociations',
      { CapacityProviders: [{ Ref: Match.stringLikeRegexp('Capacity') }] },
    );
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '10',
      NewInstancesProtectedFromScaleIn: true,
      LaunchTemplate: Match.objectLike({
        LaunchTemplateId: { Ref: Match.stringLikeRegexp('LaunchTemplate') },
      }),
    });
  });

  it('launches arm64 ECS-optimized instances with IMDSv2 only', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'c7g.2xlarge',
        ImageId: { Ref: Match.stringLikeRegexp('amazonlinux2023arm64') },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      }),
    });
  });

  it('encrypts the instances root volumes with the platform key', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: Match.objectLike({ Encrypted: true, KmsKeyId: keyArn }),
          },
        ],
      }),
    });
  });

  it('keeps tasks away from the instance metadata', () => {
    const [launchTemplate] = resourcesOf(template, 'AWS::EC2::LaunchTemplate');
    expect(JSON.stringify(launchTemplate?.properties)).toContain(
      'ECS_AWSVPC_BLOCK_IMDS=true',
    );
  });
});

describe('sandbox task definition', () => {
  it('runs on EC2 in awsvpc mode', () => {
    expect(task).toMatchObject({
      RequiresCompatibilities: ['EC2'],
      NetworkMode: 'awsvpc',
    });
  });

  it('takes its EBS volume at launch and mounts it at /sandbox', () => {
    expect(task.Volumes).toEqual([
      { Name: 'sandbox', ConfiguredAtLaunch: true },
    ]);
    expect(task.ContainerDefinitions).toEqual([
      expect.objectContaining({
        Name: 'sandbox',
        PortMappings: [{ ContainerPort: 7070, Protocol: 'tcp' }],
        MountPoints: [
          {
            ContainerPath: '/sandbox',
            ReadOnly: false,
            SourceVolume: 'sandbox',
          },
        ],
      }),
    ]);
  });

  it('builds its image from functions/agent/Dockerfile, repo as context', () => {
    const manifest = JSON.parse(
      readFileSync(join(app.outdir, 'AuterynStack.assets.json'), 'utf8'),
    ) as { dockerImages: Record<string, { source: Record<string, string> }> };
    const [image] = Object.entries(manifest.dockerImages);
    const [hash, { source }] = image ?? ['', { source: {} }];

    expect(source).toMatchObject({
      dockerFile: 'functions/agent/Dockerfile',
      platform: 'linux/arm64',
    });
    expect(JSON.stringify(task.ContainerDefinitions)).toContain(hash);
    const context = readdirSync(join(app.outdir, source.directory ?? ''));
    expect(context).toEqual(expect.arrayContaining(['functions', 'domain']));
    for (const excluded of ['node_modules', '.git', 'cdk.out', '.tmp']) {
      expect(context).not.toContain(excluded);
    }
  });

  it('logs to an encrypted group', () => {
    const [container] = task.ContainerDefinitions as {
      LogConfiguration: { Options: { 'awslogs-group': { Ref: string } } };
    }[];
    const group = container?.LogConfiguration.Options['awslogs-group'].Ref;

    expect(
      resourceNamed(template, 'AWS::Logs::LogGroup', group ?? '').properties,
    ).toMatchObject({ KmsKeyId: keyArn });
  });

  it('never hands a sandbox the signing key that opens every agent', () => {
    const [container] = task.ContainerDefinitions;
    expect(container).not.toHaveProperty('Secrets');
    expect(container).not.toHaveProperty('Environment');
  });

  it('generates the agent key in Secrets Manager, on the platform key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: keyArn,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('gives the task role no permission at all', () => {
    const role = (task.TaskRoleArn as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    const attached = resourcesOf(template, 'AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.properties.Roles).includes(role),
    );
    expect(attached).toEqual([]);
    expect(
      resourceNamed(template, 'AWS::IAM::Role', role).properties,
    ).not.toHaveProperty('ManagedPolicyArns');
  });

  it('lets ECS manage the volumes through the infrastructure role', () => {
    const role = resourceNamed(
      template,
      'AWS::IAM::Role',
      'InfrastructureRole',
    );
    expect(JSON.stringify(role.properties.ManagedPolicyArns)).toContain(
      'service-role/AmazonECSInfrastructureRolePolicyForVolumes',
    );
    expect(role.properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        expect.objectContaining({
          Principal: { Service: 'ecs.amazonaws.com' },
        }),
      ],
    });
  });
});
