import { describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../functions/handlers/env.ts';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize();

/** The `auteryn:managed` value: by default the stack's name. */
const DEPLOYMENT = 'AuterynStack';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[]) => (Array.isArray(value) ? value : [value]);

/** Every statement of every IAM policy, inline or attached, by owner. */
function identityStatements(): { owner: string; statement: Statement }[] {
  const policies = resourcesOf(template, 'AWS::IAM::Policy').map((p) => ({
    owner: p.id,
    documents: [p.properties.PolicyDocument],
  }));
  const inline = resourcesOf(template, 'AWS::IAM::Role').map((r) => ({
    owner: r.id,
    documents: (
      (r.properties.Policies as { PolicyDocument: unknown }[]) ?? []
    ).map((p) => p.PolicyDocument),
  }));
  return [...policies, ...inline].flatMap(({ owner, documents }) =>
    documents.flatMap((document) =>
      (document as { Statement: Statement[] }).Statement.map((statement) => ({
        owner,
        statement,
      })),
    ),
  );
}

/** The statements of one function's role that allow `action`. */
function allowing(functionId: string, action: string): Statement[] {
  return identityStatements()
    .filter(({ owner }) => owner.includes(`Functions${functionId}ServiceRole`))
    .map(({ statement }) => statement)
    .filter((s) => list(s.Action).includes(action));
}

const READ_ONLY_WILDCARD = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*\*$/;

describe('IAM', () => {
  it('names every action: no wildcard but read-only Describe/List/Get', () => {
    const wildcards = identityStatements().flatMap(({ owner, statement }) =>
      list(statement.Action)
        .filter((a) => a.includes('*') && !READ_ONLY_WILDCARD.test(a))
        .map((a) => `${owner}: ${a}`),
    );
    expect(identityStatements().length).toBeGreaterThan(50);
    expect(wildcards).toEqual([]);
  });

  it('snapshots only volumes the platform tagged, and tags what it makes', () => {
    const creates = allowing('SnapshotTick', 'ec2:CreateSnapshot');
    expect(creates).toHaveLength(2);
    const conditions = creates.map((s) => s.Condition?.StringEquals);
    expect(conditions).toEqual(
      expect.arrayContaining([
        { [`aws:ResourceTag/${MANAGED_TAG}`]: DEPLOYMENT },
        { [`aws:RequestTag/${MANAGED_TAG}`]: DEPLOYMENT },
      ]),
    );
    for (const action of ['ec2:DeleteSnapshot', 'ec2:DeleteVolume']) {
      expect(allowing('Lifecycle', action)).toEqual([
        expect.objectContaining({
          Condition: {
            StringEquals: { [`aws:ResourceTag/${MANAGED_TAG}`]: DEPLOYMENT },
          },
        }),
      ]);
    }
    expect(allowing('Lifecycle', 'ec2:CreateTags')).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: {
            'ec2:CreateAction': ['CreateSnapshot', 'CopySnapshot'],
          },
        },
      }),
      // An import retags the copies an export left: managed ones only.
      expect.objectContaining({
        Condition: {
          StringEquals: { [`aws:ResourceTag/${MANAGED_TAG}`]: DEPLOYMENT },
        },
      }),
    ]);
  });

  it('runs tagged tasks of its own definition in its own cluster only', () => {
    const [runTask] = allowing('Lifecycle', 'ecs:RunTask');
    expect(runTask?.Resource).toEqual({
      Ref: expect.stringMatching(/Definition/),
    });
    expect(runTask?.Condition).toEqual({
      ArnEquals: { 'ecs:cluster': expect.anything() },
      StringEquals: { [`aws:RequestTag/${MANAGED_TAG}`]: DEPLOYMENT },
    });
    const [stopTask] = allowing('Lifecycle', 'ecs:StopTask');
    expect(stopTask?.Condition?.StringEquals).toEqual({
      [`aws:ResourceTag/${MANAGED_TAG}`]: DEPLOYMENT,
    });
  });

  it('starts and stops tasks from the lifecycle function alone', () => {
    const owners = identityStatements()
      .filter(({ statement }) =>
        list(statement.Action).some((a) => /ecs:(Run|Stop)Task/.test(a)),
      )
      .map(({ owner }) => owner);
    expect(new Set(owners)).toEqual(
      new Set([expect.stringMatching(/FunctionsLifecycleServiceRole/)]),
    );
  });

  it('passes only the task, execution and infrastructure roles, to ECS', () => {
    const passes = identityStatements().filter(({ statement }) =>
      list(statement.Action).includes('iam:PassRole'),
    );
    const roles = passes.flatMap(({ statement }) =>
      list(statement.Resource as { 'Fn::GetAtt': [string] }[]).map(
        (r) => r['Fn::GetAtt'][0],
      ),
    );

    expect(roles.sort()).toEqual(
      [
        resourceNamed(template, 'AWS::IAM::Role', 'SandboxTaskTaskRole').id,
        resourceNamed(template, 'AWS::IAM::Role', 'SandboxTaskExecutionRole')
          .id,
        resourceNamed(template, 'AWS::IAM::Role', 'InfrastructureRole').id,
      ].sort(),
    );
    for (const { statement } of passes) {
      expect(statement.Condition).toEqual({
        StringEquals: {
          'iam:PassedToService': [
            'ecs-tasks.amazonaws.com',
            'ecs.amazonaws.com',
          ],
        },
      });
    }
  });

  it('grants each table per function, the indexes by name', () => {
    const tableId = (part: string) =>
      resourceNamed(template, 'AWS::DynamoDB::Table', part).id;
    const grants = (fn: string, table: string) =>
      allowing(fn, 'dynamodb:GetItem').filter((s) =>
        JSON.stringify(s.Resource).includes(tableId(table)),
      );

    expect(grants('IdleCheck', 'TablesSchedules')).toEqual([]);
    expect(allowing('IdleCheck', 'dynamodb:PutItem')).toHaveLength(1);
    const [sandboxes] = grants('IdleCheck', 'TablesSandboxes');
    expect(list(sandboxes?.Action)).not.toContain('dynamodb:PutItem');
    expect(JSON.stringify(sandboxes?.Resource)).toContain('/index/byTenant');
    expect(JSON.stringify(sandboxes?.Resource)).not.toContain('/index/*');
  });

  it('reads the agent key only where agents are called', () => {
    const readers = identityStatements()
      .filter(({ statement }) =>
        list(statement.Action).includes('secretsmanager:GetSecretValue'),
      )
      .map(({ owner }) => owner.replace(/[0-9A-F]{8}$/, ''));
    expect(readers.sort()).toEqual([
      'AuterynFunctionsApiServiceRoleDefaultPolicy',
      'AuterynFunctionsIdleCheckServiceRoleDefaultPolicy',
      'AuterynFunctionsLifecycleServiceRoleDefaultPolicy',
      'AuterynFunctionsSnapshotTickServiceRoleDefaultPolicy',
    ]);
  });

  it('uses the key through named actions, CreateGrant only for AWS', () => {
    const grants = allowing('Lifecycle', 'kms:CreateGrant');
    expect(grants).toEqual([
      expect.objectContaining({
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    ]);
  });
});
