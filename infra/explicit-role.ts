import * as iam from 'aws-cdk-lib/aws-iam';

// Wildcard actions that CDK constructs add for us, spelled out. The
// platform's policies name every action they allow; only read-only
// Describe*/List*/Get* wildcards would be tolerated, and none is used.
const EXPLICIT: Record<string, string[]> = {
  // What the ECS container agent submits (ECS API reference).
  'ecs:Submit*': [
    'ecs:SubmitAttachmentStateChanges',
    'ecs:SubmitContainerStateChange',
    'ecs:SubmitTaskStateChange',
  ],
};

/**
 * A role that rewrites the wildcard actions of statements added to it by
 * other constructs (the ECS cluster adds `ecs:Submit*` to the container
 * instances' role) into the actions they stand for.
 */
export class ExplicitActionsRole extends iam.Role {
  override addToPrincipalPolicy(
    statement: iam.PolicyStatement,
  ): iam.AddToPrincipalPolicyResult {
    if (!statement.actions.some((action) => action in EXPLICIT)) {
      return super.addToPrincipalPolicy(statement);
    }

    const actions = statement.actions.flatMap(
      (action) => EXPLICIT[action] ?? [action],
    );
    return super.addToPrincipalPolicy(statement.copy({ actions }));
  }
}
