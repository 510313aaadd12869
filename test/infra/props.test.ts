import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AuterynPlatform } from '../../infra/auteryn-platform.ts';
import { resolvePlatformConfig } from '../../infra/platform-config.ts';
import { resourcesOf } from './synth.ts';

// A customer's own stack, VPC and key, and every prop away from its
// default: built once, without bundling.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new Stack(app, 'Customer');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
vpc.addFlowLog('FlowLog');
const key = new kms.Key(stack, 'CustomerKey', { enableKeyRotation: true });
new AuterynPlatform(stack, 'Platform', {
  vpc,
  kmsKey: key,
  instanceTypes: ['m7i.2xlarge', 'c7i.2xlarge'],
  minCapacity: 1,
  maxCapacity: 4,
  sandboxSizes: { large: { cpus: 8, memoryGiB: 16, diskGiB: 100 } },
  snapshotInterval: Duration.minutes(10),
  idleCheckInterval: Duration.minutes(2),
  defaultRetention: { retention: '3d', maxSnapshots: 50 },
  allowedEgress: [
    {
      peer: ec2.Peer.ipv4('10.0.0.0/8'),
      port: ec2.Port.tcp(443),
      description: 'internal package mirror',
    },
  ],
  removalPolicy: RemovalPolicy.DESTROY,
  eventBusName: 'auteryn-staging',
  exportTargets: {
    'us-west-2': {
      bucketName: 'auteryn-west-exports',
      kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/west',
      deploymentId: 'customer-west',
    },
  },
  deploymentId: 'customer-east',
});
const template = Template.fromStack(stack);

const variables = () => {
  const api = resourcesOf(template, 'AWS::Lambda::Function').find((f) =>
    f.id.includes('FunctionsApi'),
  );
  const environment = api?.properties.Environment as {
    Variables: Record<string, string>;
  };
  return environment.Variables;
};

describe('AuterynPlatform props', () => {
  it('uses the given VPC and key instead of making its own', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(resourcesOf(template, 'AWS::KMS::Key')[0]?.id).toMatch(
      /CustomerKey/,
    );
  });

  it('runs x86 instance types in a mixed-instances group', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '4',
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: Match.anyValue(),
          Overrides: [
            { InstanceType: 'm7i.2xlarge' },
            { InstanceType: 'c7i.2xlarge' },
          ],
        },
        InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 100 },
      },
    });
    const [launchTemplate] = resourcesOf(template, 'AWS::EC2::LaunchTemplate');
    expect(JSON.stringify(launchTemplate?.properties)).toMatch(
      /amazonlinux2023recommended/,
    );
  });

  it('lets sandboxes reach only the allowed destinations', () => {
    const sandboxes = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(
      (g) => g.id.includes('NetworkSandboxes'),
    );
    expect(sandboxes?.properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: '10.0.0.0/8',
        Description: 'internal package mirror',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
  });

  it('hands sizes, intervals and retention to the handlers', () => {
    expect(variables()).toMatchObject({
      SNAPSHOT_INTERVAL: '10m',
      IDLE_CHECK_INTERVAL: '2m',
      DEFAULT_RETENTION: '3d',
      DEFAULT_MAX_SNAPSHOTS: '50',
    });
    expect(JSON.parse(variables().SANDBOX_SIZES ?? '').large).toEqual({
      cpus: 8,
      memoryBytes: 16 * 1024 ** 3,
      diskBytes: 100 * 1024 ** 3,
    });
  });

  it('deletes the data with the stack when asked to', () => {
    for (const table of Object.values(
      template.findResources('AWS::DynamoDB::Table'),
    )) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });

  it('may copy snapshots and write packages to the export targets only', () => {
    const policies = resourcesOf(template, 'AWS::IAM::Policy').filter((p) =>
      p.id.includes('Lifecycle'),
    );
    const statements = policies.flatMap(
      (p) =>
        (
          p.properties.PolicyDocument as {
            Statement: Record<string, unknown>[];
          }
        ).Statement,
    );
    const text = JSON.stringify(statements);
    expect(text).toContain('us-west-2');
    expect(text).toContain('auteryn-west-exports/exports/*');
    expect(variables().EXPORT_KMS_KEYS).toBe(
      JSON.stringify({
        'us-west-2': 'arn:aws:kms:us-west-2:123456789012:key/west',
      }),
    );
  });

  it('tags and acts on its own resources, and tags copies for the target', () => {
    const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(
      (p) =>
        (
          p.properties.PolicyDocument as {
            Statement: { Action: unknown; Condition?: unknown }[];
          }
        ).Statement,
    );
    const conditionsOf = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .map((s) => JSON.stringify(s.Condition ?? {}));

    expect(variables().DEPLOYMENT_ID).toBe('customer-east');
    expect(variables().EXPORT_DEPLOYMENTS).toBe(
      JSON.stringify({ 'us-west-2': 'customer-west' }),
    );
    // Every function that may delete snapshots, on the same condition.
    expect(new Set(conditionsOf('ec2:DeleteSnapshot'))).toEqual(
      new Set([
        JSON.stringify({
          StringEquals: { 'aws:ResourceTag/auteryn:managed': 'customer-east' },
        }),
      ]),
    );
    expect(conditionsOf('ec2:CopySnapshot')).toContain(
      JSON.stringify({
        StringEquals: { 'aws:RequestTag/auteryn:managed': 'customer-west' },
      }),
    );
  });

  it('names the bus as asked', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'auteryn-staging',
    });
  });

  it('stays cdk-nag clean in a customer stack', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('props that cannot deploy', () => {
  it('rejects instance types of two architectures', () => {
    expect(() =>
      resolvePlatformConfig({ instanceTypes: ['c7g.xlarge', 'c7i.xlarge'] }),
    ).toThrow(/instanceTypes: c7i.xlarge is not/);
  });

  it('rejects an interval that is not whole minutes', () => {
    expect(() =>
      resolvePlatformConfig({ snapshotInterval: Duration.seconds(90) }),
    ).toThrow(/snapshotInterval: whole minutes/);
  });

  it('rejects a size ECS cannot give', () => {
    expect(() =>
      resolvePlatformConfig({
        sandboxSizes: { small: { cpus: 1, memoryGiB: 2, diskGiB: 0.5 } },
      }),
    ).toThrow(/sandboxSizes.small/);
  });

  it('rejects a capacity range upside down', () => {
    expect(() =>
      resolvePlatformConfig({ minCapacity: 5, maxCapacity: 2 }),
    ).toThrow(/capacity/);
  });

  it('rejects a deployment id that is no plain tag value', () => {
    expect(() => resolvePlatformConfig({ deploymentId: 'prod east' })).toThrow(
      /deploymentId: 1-128 of/,
    );
  });

  it('rejects a retention the domain would not accept', () => {
    expect(() =>
      resolvePlatformConfig({
        defaultRetention: { retention: 'a week', maxSnapshots: 100 },
      }),
    ).toThrow();
  });
});
