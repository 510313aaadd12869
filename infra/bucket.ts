import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantKey } from './encryption.ts';
import { acknowledge, wildcardResourceFinding } from './nag.ts';
import type { PlatformConfig } from './platform-config.ts';

// Lifecycle of the export bucket: a multipart upload left by a crashed
// export goes after a day; a replaced or deleted export after 30 days.
const ABORT_UPLOADS_AFTER = Duration.days(1);
const EXPIRE_OLD_VERSIONS_AFTER = Duration.days(30);
const EXPIRE_ACCESS_LOGS_AFTER = Duration.days(90);

/**
 * The bucket sandbox exports go to (issue 6), on the platform's key, and
 * the bucket its server access logs go to. S3 only delivers access logs
 * to a bucket with S3-managed encryption, so that one cannot use the key.
 */
export class ExportBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  private readonly key: kms.IKey;

  constructor(
    scope: Construct,
    id: string,
    props: { key: kms.IKey; config: PlatformConfig },
  ) {
    super(scope, id);
    const { removalPolicy } = props.config;
    this.key = props.key;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // No objectOwnership: it follows the app's feature flag for how S3
      // may deliver logs (bucket policy, or the log-delivery ACL).
      lifecycleRules: [{ expiration: EXPIRE_ACCESS_LOGS_AFTER }],
      removalPolicy,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        {
          abortIncompleteMultipartUploadAfter: ABORT_UPLOADS_AFTER,
          noncurrentVersionExpiration: EXPIRE_OLD_VERSIONS_AFTER,
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy,
    });
  }

  /**
   * Read, write and list exports, with named actions (the CDK's grant
   * adds `s3:DeleteObject*` and `s3:Abort*` wildcards).
   */
  grantReadWrite(grantee: lambda.IFunction): void {
    const objects = this.bucket.arnForObjects('*');
    grantee.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    grantee.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }),
    );
    grantKey(this.key, grantee, 'encrypt-decrypt');
    acknowledge(
      grantee,
      wildcardResourceFinding(grantee, objects),
      'the objects of the export bucket only; their keys are made per ' +
        'export, so no narrower ARN exists',
    );
  }
}
