import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { platformPropsFromContext } from './app-props.ts';
import {
  AuterynPlatform,
  type AuterynPlatformProps,
} from './auteryn-platform.ts';

/** Props of {@link AuterynStack}: the stack's and the platform's. */
export interface AuterynStackProps extends StackProps {
  /** @default read from the app's context (see app-props.ts) */
  readonly platform?: AuterynPlatformProps;
}

/**
 * The stack `npx cdk deploy` makes: one {@link AuterynPlatform} and the
 * outputs a client needs (the API URL) and an operator looks for.
 */
export class AuterynStack extends Stack {
  readonly platform: AuterynPlatform;

  constructor(scope: Construct, id: string, props: AuterynStackProps = {}) {
    super(scope, id, props);
    this.platform = new AuterynPlatform(
      this,
      'Auteryn',
      props.platform ?? platformPropsFromContext(this),
    );
    const { platform } = this;

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', platform.api.url, 'base URL of the HTTP API (SigV4)');
    output('EventBusName', platform.bus.bus.eventBusName, 'domain events');
    output('ExportBucketName', platform.bucket.bucket.bucketName, 'exports');
    for (const [key, table] of Object.entries(platform.tables.byKey)) {
      const name = `${key[0]?.toUpperCase()}${key.slice(1)}TableName`;
      output(name, table.tableName, `the ${key} table`);
    }
  }
}
