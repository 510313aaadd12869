import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { AuterynPlatformProps } from './platform-props.ts';

/**
 * The props `npx cdk deploy -c key=value` can set; the rest keep their
 * defaults (a stack of your own can pass any prop to the construct).
 *
 * - `vpcId`: deploy into this VPC (looked up: needs AWS credentials)
 * - `instanceTypes`: comma list, e.g. `m7g.2xlarge,c7g.2xlarge`
 * - `minCapacity`, `maxCapacity`: container instances
 * - `removalPolicy`: `retain` (default) or `destroy`
 */
export function platformPropsFromContext(
  scope: Construct,
): AuterynPlatformProps {
  const read = (key: string): string | undefined => {
    const value = scope.node.tryGetContext(key);
    return value === undefined ? undefined : String(value);
  };
  const number = (key: string) => {
    const text = read(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value))
      throw new Error(`-c ${key}: not a whole number`);
    return value;
  };

  const vpcId = read('vpcId');
  const removal = read('removalPolicy');
  if (removal !== undefined && removal !== 'retain' && removal !== 'destroy') {
    throw new Error('-c removalPolicy: retain or destroy');
  }

  return {
    vpc: vpcId ? ec2.Vpc.fromLookup(scope, 'Vpc', { vpcId }) : undefined,
    instanceTypes: read('instanceTypes')?.split(',').filter(Boolean),
    minCapacity: number('minCapacity'),
    maxCapacity: number('maxCapacity'),
    removalPolicy:
      removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  };
}
