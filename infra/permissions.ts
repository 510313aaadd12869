import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ExportBucket } from './bucket.ts';
import type { PlatformBus } from './bus.ts';
import type { SandboxCluster } from './cluster.ts';
import { grantKey } from './encryption.ts';
import {
  describeStatements,
  exportTargetStatements,
  snapshotStatements,
  taskStatements,
  UNSCOPED_DESCRIBE,
} from './fleet-policies.ts';
import type { Capability, HandlerSpec } from './handlers.ts';
import { acknowledge } from './nag.ts';
import type { ExportTarget } from './platform-props.ts';
import type { SandboxTask } from './sandbox-task.ts';
import type { PlatformTables, TableKey } from './tables.ts';

const TABLE_READ = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE = [
  ...TABLE_READ,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** What {@link grantHandler} grants from. */
export interface GrantSources {
  readonly key: kms.IKey;
  readonly tables: PlatformTables;
  readonly cluster: SandboxCluster;
  readonly task: SandboxTask;
  readonly bus: PlatformBus;
  readonly bucket: ExportBucket;
  /** Other regions' deployments exports go to. */
  readonly exportTargets: Record<string, ExportTarget>;
  /** The `auteryn:managed` value of this deployment's resources. */
  readonly deploymentId: string;
}

/**
 * Grants a handler its tables (each one, and its indexes by name) and its
 * capabilities, and acknowledges the cdk-nag findings that follow, each
 * with the reason that holds for this handler.
 */
export function grantHandler(
  fn: lambda.IFunction,
  spec: HandlerSpec,
  sources: GrantSources,
): void {
  const access = Object.entries(spec.tables) as [TableKey, 'read' | 'write'][];
  for (const [name, level] of access) {
    const actions = level === 'write' ? TABLE_WRITE : TABLE_READ;
    fn.addToRolePolicy(sources.tables.statement(name, actions));
  }
  const writes = access.some(([, level]) => level === 'write');
  grantKey(sources.key, fn, writes ? 'encrypt-decrypt' : 'decrypt');

  for (const capability of spec.can) grantCapability(fn, capability, sources);
  acknowledgeUnscoped(fn, spec);
}

function grantCapability(
  fn: lambda.IFunction,
  capability: Capability,
  sources: GrantSources,
): void {
  const add = (statement: iam.PolicyStatement) => fn.addToRolePolicy(statement);

  switch (capability) {
    case 'agent':
      sources.task.agentSecret.grantRead(fn);
      return;
    case 'snapshots':
      snapshotStatements(fn, sources.deploymentId).forEach(add);
      describeStatements(fn, sources.cluster).forEach(add);
      grantKey(sources.key, fn, 'ebs');
      return;
    case 'tasks':
      taskStatements(fn, sources).forEach(add);
      return;
    case 'describe':
      describeStatements(fn, sources.cluster).forEach(add);
      return;
    case 'publish':
      sources.bus.grantPublish(fn);
      return;
    case 'exports':
      sources.bucket.grantReadWrite(fn);
      exportTargetStatements(fn, sources).forEach(add);
      return;
    default:
      capability satisfies never;
  }
}

function acknowledgeUnscoped(fn: lambda.IFunction, spec: HandlerSpec): void {
  const unscoped = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
  if (spec.can.some((c) => ['snapshots', 'tasks', 'describe'].includes(c))) {
    unscoped.push(...UNSCOPED_DESCRIBE);
  }
  if (spec.trigger === 'stream') unscoped.push('dynamodb:ListStreams');

  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    `actions IAM cannot scope to a resource: ${unscoped.join(', ')}`,
  );
  acknowledge(
    fn,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'the AWS-maintained minimum for a function to write its own logs',
  );
  if (spec.can.includes('agent')) {
    acknowledge(
      fn,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'the AWS-maintained minimum for a function in a VPC (its ENIs); ' +
        'this one calls the sandbox agents inside the VPC',
    );
  }
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'Node.js 22 on purpose: the runtime the project pins and tests ' +
      '(DESIGN.md, AWS mapping); moving up is one line in functions.ts',
  );
}
