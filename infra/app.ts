import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuterynStack } from './auteryn-stack.ts';

// `npx cdk synth` / `deploy`: one stack, its props from `-c key=value`
// (see app-props.ts), cdk-nag's AwsSolutions checks on everything.
const app = new App();

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new AuterynStack(app, 'AuterynStack', {
  stackName: app.node.tryGetContext('stackName') ?? 'Auteryn',
  env: account && region ? { account, region } : undefined,
  description: 'Auteryn: persistent sandboxes for AI agents',
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
