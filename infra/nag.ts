import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` (and what is under it) with
 * the reason it does not apply. cdk-nag 3 reads these acknowledgements
 * from CDK's own Validations metadata; a finding with a detail, such as
 * `AwsSolutions-IAM5[Resource::*]`, is acknowledged by its full id.
 */
export function acknowledge(
  scope: IConstruct,
  id: string,
  reason: string,
): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The id cdk-nag gives a wildcard resource in an IAM policy, e.g.
 * `AwsSolutions-IAM5[Resource::<MyBucket.Arn>/*]`: the resource as the
 * template has it, references flattened the way cdk-nag flattens them,
 * so the acknowledgement follows logical ids and pseudo parameters.
 */
export function wildcardResourceFinding(
  scope: IConstruct,
  resource: string,
): string {
  const flat = flatten(Stack.of(scope).resolve(resource));
  return `AwsSolutions-IAM5[Resource::${flat}]`;
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;

  const value = node as Record<string, unknown>;
  if (Array.isArray(value['Fn::Join'])) {
    const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (Array.isArray(value['Fn::GetAtt'])) {
    const [resource, attribute] = value['Fn::GetAtt'] as string[];
    return `<${resource}.${attribute}>`;
  }
  if (typeof value.Ref === 'string') return `<${value.Ref}>`;
  return JSON.stringify(node);
}
