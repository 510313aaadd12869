import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** What a grantee may do with the platform's key. */
export type KeyUse = 'decrypt' | 'encrypt-decrypt' | 'ebs';

// Explicit actions, never the `GenerateDataKey*` / `ReEncrypt*` wildcards
// of the CDK's grant helpers: the platform's policies name every action.
const KEY_ACTIONS: Record<KeyUse, string[]> = {
  decrypt: ['kms:Decrypt', 'kms:DescribeKey'],
  'encrypt-decrypt': [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
  ],
  // What EBS needs of a caller whose volumes or snapshots use the key
  // (EBS user guide, "Permissions for users"); CreateGrant is added apart,
  // only for grants made on its behalf by an AWS service.
  ebs: [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ],
};

/** Grants `use` of the key to `grantee` with named actions only. */
export function grantKey(key: kms.IKey, grantee: iam.IGrantable, use: KeyUse) {
  key.grant(grantee, ...KEY_ACTIONS[use]);
  if (use !== 'ebs') return;

  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:CreateGrant'],
      resources: [key.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
}

/**
 * The customer's key, or a new one with yearly rotation. A new key's
 * policy also lets the services that encrypt on the platform's behalf
 * use it: CloudWatch Logs, EventBridge and Auto Scaling (root volumes).
 */
export function platformKey(
  scope: Construct,
  given: kms.IKey | undefined,
  removalPolicy: RemovalPolicy,
): kms.IKey {
  if (given) return given;

  const key = new kms.Key(scope, 'Key', {
    description: 'Auteryn: tables, queues, logs, bus, bucket, EBS volumes',
    enableKeyRotation: true,
    removalPolicy,
  });
  allowServices(key);
  return key;
}

function allowServices(key: kms.Key): void {
  const { account, region, partition } = Stack.of(key);

  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: KEY_ACTIONS['encrypt-decrypt'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
        },
      },
    }),
  );
  // The bus itself gets a statement from the CDK; its archive and its
  // dead-letter queue (EventBridge sends there) need this one.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeArchiveAndDeadLetters',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: KEY_ACTIONS['encrypt-decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );

  // Auto Scaling launches the container instances with root volumes
  // encrypted by this key, as its service-linked role (Auto Scaling user
  // guide, "Required KMS key policy for use with encrypted volumes").
  const autoScaling = new iam.ArnPrincipal(
    `arn:${partition}:iam::${account}:role/aws-service-role/` +
      'autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AutoScalingVolumes',
      principals: [autoScaling],
      actions: [...KEY_ACTIONS.ebs, 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AutoScalingGrants',
      principals: [autoScaling],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
}
