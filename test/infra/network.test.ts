import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize();
const keyId = resourcesOf(template, 'AWS::KMS::Key')[0]?.id;
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

describe('security groups', () => {
  const groupId = (part: string) =>
    resourceNamed(template, 'AWS::EC2::SecurityGroup', part).id;
  const sandboxes = groupId('NetworkSandboxes');
  const functions = groupId('NetworkFunctions');

  it('admits nothing to a sandbox but the agent port from the functions', () => {
    const ingress = [
      ...resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').map(
        (i) => i.properties,
      ),
      ...resourcesOf(template, 'AWS::EC2::SecurityGroup').flatMap(
        (g) => (g.properties.SecurityGroupIngress as unknown[]) ?? [],
      ),
    ];
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [sandboxes, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [functions, 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 7070,
        ToPort: 7070,
      }),
    ]);
  });

  it('lets sandboxes reach anything by default', () => {
    expect(
      resourceNamed(template, 'AWS::EC2::SecurityGroup', sandboxes).properties
        .SecurityGroupEgress,
    ).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }),
    ]);
  });

  it('lets the functions reach only HTTPS and the agents', () => {
    const group = resourceNamed(template, 'AWS::EC2::SecurityGroup', functions);
    expect(group.properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({
        CidrIp: '0.0.0.0/0',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [functions, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [sandboxes, 'GroupId'] },
      FromPort: 7070,
    });
  });
});

describe('network', () => {
  it('spans two AZs with one NAT gateway and logs its flows', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });
});

describe('export bucket', () => {
  const exports = resourceNamed(template, 'AWS::S3::Bucket', 'ExportsBucket');

  it('encrypts with the platform key, versions, blocks public access', () => {
    expect(exports.properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: keyArn,
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: expect.stringMatching(/AccessLogs/) },
      },
    });
  });

  it('aborts stale uploads after a day and expires old versions', () => {
    expect(exports.properties.LifecycleConfiguration).toEqual({
      Rules: [
        expect.objectContaining({
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        }),
      ],
    });
  });

  it('refuses every request that is not TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: exports.id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasOutput('ExportBucketName', { Value: { Ref: exports.id } });
  });
});
