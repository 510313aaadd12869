import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { MANAGED_TAG } from '../functions/handlers/env.ts';
import type { SandboxCluster } from './cluster.ts';
import { acknowledge, wildcardResourceFinding } from './nag.ts';
import type { ExportTarget } from './platform-props.ts';
import type { SandboxTask } from './sandbox-task.ts';

/** The resource, or the creating request, carries the deployment's tag. */
const managed = (kind: 'Request' | 'Resource', deploymentId: string) => ({
  StringEquals: { [`aws:${kind}Tag/${MANAGED_TAG}`]: deploymentId },
});

/** Actions IAM cannot scope to a resource, named in acknowledgements. */
export const UNSCOPED_DESCRIBE = [
  'ec2:DescribeSnapshots',
  'ec2:DescribeVolumes',
  'ecs:ListTasks (conditioned on the cluster)',
];

/**
 * EBS snapshots and volumes, only those the platform tagged: a snapshot
 * must be tagged in the call that creates it, only tagged volumes are
 * snapshotted or deleted, and CreateTags is allowed only as part of a
 * creation. Snapshot and volume ids are made by EC2, hence the `*`.
 */
export function snapshotStatements(
  fn: IConstruct,
  deploymentId: string,
): iam.PolicyStatement[] {
  const ours = (kind: 'Request' | 'Resource') => managed(kind, deploymentId);
  const stack = Stack.of(fn);
  const arn = (resource: string, account: string) =>
    stack.formatArn({ service: 'ec2', account, resource, resourceName: '*' });
  const volumes = arn('volume', stack.account);
  const snapshots = arn('snapshot', '');

  for (const resource of [volumes, snapshots]) {
    acknowledge(
      fn,
      wildcardResourceFinding(fn, resource),
      'EC2 makes the ids; every action on them requires the ' +
        `${MANAGED_TAG} tag (on the resource, or in the creating request)`,
    );
  }
  return [
    new iam.PolicyStatement({
      actions: ['ec2:CreateSnapshot'],
      resources: [volumes],
      conditions: ours('Resource'),
    }),
    new iam.PolicyStatement({
      actions: ['ec2:CreateSnapshot', 'ec2:CopySnapshot'],
      resources: [snapshots],
      conditions: ours('Request'),
    }),
    new iam.PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [snapshots],
      conditions: {
        StringEquals: {
          'ec2:CreateAction': ['CreateSnapshot', 'CopySnapshot'],
        },
      },
    }),
    new iam.PolicyStatement({
      actions: ['ec2:DeleteSnapshot'],
      resources: [snapshots],
      conditions: ours('Resource'),
    }),
    // An import takes over the copies an export left here: retagged.
    new iam.PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [snapshots],
      conditions: ours('Resource'),
    }),
    new iam.PolicyStatement({
      actions: ['ec2:DeleteVolume'],
      resources: [volumes],
      conditions: ours('Resource'),
    }),
  ];
}

/**
 * Sandbox tasks: started only from the platform's task definition, in its
 * cluster, tagged; stopped only when tagged; the three roles passed only
 * to ECS.
 */
export function taskStatements(
  fn: IConstruct,
  sources: {
    cluster: SandboxCluster;
    task: SandboxTask;
    deploymentId: string;
  },
): iam.PolicyStatement[] {
  const { cluster, task, deploymentId } = sources;
  const ours = (kind: 'Request' | 'Resource') => managed(kind, deploymentId);
  const clusterArn = cluster.cluster.clusterArn;
  const inCluster = { ArnEquals: { 'ecs:cluster': clusterArn } };
  const tasks = cluster.cluster.arnForTasks('*');

  return [
    new iam.PolicyStatement({
      actions: ['ecs:RunTask'],
      resources: [task.taskDefinition.taskDefinitionArn],
      conditions: { ...inCluster, ...ours('Request') },
    }),
    new iam.PolicyStatement({
      actions: ['ecs:TagResource'],
      resources: [tasks],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }),
    new iam.PolicyStatement({
      actions: ['ecs:StopTask'],
      resources: [tasks],
      conditions: { ...inCluster, ...ours('Resource') },
    }),
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [
        task.taskRole.roleArn,
        task.executionRole.roleArn,
        task.infrastructureRole.roleArn,
      ],
      conditions: {
        StringEquals: {
          'iam:PassedToService': [
            'ecs-tasks.amazonaws.com',
            'ecs.amazonaws.com',
          ],
        },
      },
    }),
    ...describeStatements(fn, cluster),
  ];
}

/**
 * Read-only: snapshots and volumes (EC2 Describe* take no resource ARN)
 * and the tasks of this cluster.
 */
export function describeStatements(
  fn: IConstruct,
  cluster: SandboxCluster,
): iam.PolicyStatement[] {
  const tasks = cluster.cluster.arnForTasks('*');
  acknowledge(
    fn,
    wildcardResourceFinding(fn, tasks),
    'ECS makes the task ids; the ARN is limited to this cluster, and ' +
      `StopTask also to tasks tagged ${MANAGED_TAG}`,
  );

  return [
    new iam.PolicyStatement({
      actions: ['ec2:DescribeSnapshots', 'ec2:DescribeVolumes'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: ['ecs:DescribeTasks'],
      resources: [tasks],
    }),
    new iam.PolicyStatement({
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'ecs:cluster': cluster.cluster.clusterArn },
      },
    }),
  ];
}

/**
 * Exports to other regions: CopySnapshot into each target region (the
 * copy tagged in the same call) and the package into the target
 * deployment's bucket, below `exports/` only.
 */
export function exportTargetStatements(
  fn: IConstruct,
  sources: {
    exportTargets: Record<string, ExportTarget>;
    deploymentId: string;
  },
): iam.PolicyStatement[] {
  const stack = Stack.of(fn);
  const statements: iam.PolicyStatement[] = [];
  for (const [region, target] of Object.entries(sources.exportTargets)) {
    // Copies carry the target's tag: that deployment takes them over.
    const theirs = managed(
      'Request',
      target.deploymentId ?? sources.deploymentId,
    );
    const copies = stack.formatArn({
      service: 'ec2',
      region,
      account: '',
      resource: 'snapshot',
      resourceName: '*',
    });
    const objects = `arn:${stack.partition}:s3:::${target.bucketName}/exports/*`;
    for (const resource of [copies, objects]) {
      acknowledge(
        fn,
        wildcardResourceFinding(fn, resource),
        `exports to ${region}: copies EC2 names (tagged ${MANAGED_TAG} ` +
          'in the request) and objects below exports/ of its bucket',
      );
    }
    statements.push(
      new iam.PolicyStatement({
        actions: ['ec2:CopySnapshot'],
        resources: [copies],
        conditions: theirs,
      }),
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: [copies],
        conditions: { StringEquals: { 'ec2:CreateAction': 'CopySnapshot' } },
      }),
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${stack.partition}:s3:::${target.bucketName}`],
        conditions: { StringLike: { 's3:prefix': ['exports/*'] } },
      }),
    );
  }
  return statements;
}
