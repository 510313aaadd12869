import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { grantKey } from './encryption.ts';

// The longest SQS keeps a message (SQS developer guide, quotas).
const MAX_RETENTION = Duration.days(14);

/**
 * A queue for what failed: on the platform's key, TLS only, kept as long
 * as SQS allows so that someone can look before it is gone.
 */
export function encryptedQueue(
  scope: Construct,
  id: string,
  key: kms.IKey,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: MAX_RETENTION,
  });
  return queue;
}

/**
 * A stream mapping's on-failure destination that grants only what a
 * send needs (the CDK's SqsDlq grants kms:GenerateDataKey* and
 * kms:ReEncrypt* wildcards).
 */
export class EncryptedQueueDestination implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(
    _target: lambda.IEventSourceMapping,
    handler: lambda.IFunction,
  ): lambda.DlqDestinationConfig {
    grantSend(this.queue, this.key, handler);
    return { destination: this.queue.queueArn };
  }
}

/** sqs:SendMessage and the key actions an encrypted send needs. */
export function grantSend(
  queue: sqs.IQueue,
  key: kms.IKey,
  grantee: iam.IGrantable,
): void {
  queue.grant(grantee, 'sqs:SendMessage');
  grantKey(key, grantee, 'encrypt-decrypt');
}
