import { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../../domain/errors.ts';
import type { SandboxService } from '../../domain/services/sandbox-service.ts';
import type { SnapshotService } from '../../domain/services/snapshot-service.ts';
import { DynamoDBTransferRecords } from '../adapters/aws/dynamodb-transfer-records.ts';
import { EbsSnapshotPackager } from '../adapters/aws/ebs-snapshot-packager.ts';
import { Ec2SnapshotGateway } from '../adapters/aws/ec2-snapshot-gateway.ts';
import { objectStoreAt } from '../adapters/object-store-at.ts';
import type { HandlerEnv } from '../handlers/env.ts';
import { runExport } from '../transfer/export-job.ts';
import { runImport } from '../transfer/import-job.ts';
import type { TransferParts } from '../transfer/transfer-parts.ts';
import { TransferService } from '../transfer/transfer-service.ts';
import type { AwsPlatformCore } from './platform.ts';

export interface AwsTransferOptions {
  /** An EC2 client of another region; default one built for it. */
  ec2In?: (region: string) => EC2Client;
  s3?: S3Client;
}

/**
 * Exports and imports on AWS: EBS snapshots cross regions as
 * CopySnapshot copies; the package (manifest and event history) goes to
 * the target deployment's export bucket (EXPORT_TARGETS). An import
 * checks the copies are in this region and takes them over, quickly
 * enough to finish inside the API call.
 */
export function awsTransfers(
  core: AwsPlatformCore,
  env: HandlerEnv,
  options: AwsTransferOptions = {},
) {
  const clients = new Map<string, EC2Client>();
  const ec2In =
    options.ec2In ??
    ((region: string) => {
      let client = clients.get(region);
      if (!client) {
        client = new EC2Client({ region });
        clients.set(region, client);
      }
      return client;
    });

  const parts: TransferParts = {
    handler: core.handler,
    events: core.events,
    names: core.names,
    records: new DynamoDBTransferRecords(
      core.clients.dynamodb,
      env.TRANSFERS_TABLE,
    ),
    packager: new EbsSnapshotPackager({
      here: core.gateway,
      region: env.AUTERYN_REGION,
      gatewayIn: (region) =>
        new Ec2SnapshotGateway(ec2In(region), env.DEPLOYMENT_ID),
      kmsKeyIn: (region) => env.EXPORT_KMS_KEYS[region],
      deploymentIn: (region) =>
        env.EXPORT_DEPLOYMENTS[region] ?? env.DEPLOYMENT_ID,
    }),
    openStore: (location) => objectStoreAt(location, { s3: options.s3 }),
    exportTarget: (region) => {
      const target = env.EXPORT_TARGETS[region];
      if (!target) {
        throw new ValidationError(`no export target for region ${region}`, [
          {
            field: 'targetRegion',
            message:
              `one of ${Object.keys(env.EXPORT_TARGETS).join(', ')}; add ` +
              'the region to the construct’s exportTargets to export there',
          },
        ]);
      }
      return target;
    },
    region: env.AUTERYN_REGION,
    clock: core.clock,
    log: core.log,
  };

  return {
    parts,
    exporter: (exportId: string) => runExport(parts, exportId),
    service: (sandboxes: SandboxService, snapshots: SnapshotService) =>
      new TransferService({
        ...parts,
        sandboxes,
        snapshots,
        store: core.store,
        newExportId: () => `exp-${core.ids.snapshotId().slice(5)}`,
        startImport: (importId) => runImport(parts, importId),
      }),
    /** Exports waiting on their copies, carried on (the reconciler). */
    resume: async () => {
      const { exports } = await parts.records.unfinished();
      for (const record of exports) await runExport(parts, record.id);
      return exports.length;
    },
  };
}
