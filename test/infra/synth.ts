import { readFileSync } from 'node:fs';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuterynStack } from '../../infra/auteryn-stack.ts';
import type { AuterynPlatformProps } from '../../infra/platform-props.ts';

const cdkJson = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
) as { context: Record<string, unknown> };

/** How a test builds the stack. */
export interface SynthOptions {
  readonly platform?: AuterynPlatformProps;
  /** Run esbuild for every function (slow); off: placeholder code. */
  readonly bundle?: boolean;
  readonly env?: Environment;
}

/**
 * The stack as `cdk synth` builds it (the feature flags of cdk.json),
 * synthesized once: call this at the top of a test file, not per test.
 */
export function synthesize(options: SynthOptions = {}) {
  const context = options.bundle
    ? cdkJson.context
    : { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
  const app = new App({ context });
  const stack = new AuterynStack(app, 'AuterynStack', {
    platform: options.platform ?? {},
    env: options.env,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown> }
>;

/** The logical id and properties of every resource of one type. */
export function resourcesOf(template: Template, type: string) {
  const resources = template.toJSON().Resources as Resources;
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => ({ id, properties: resource.Properties ?? {} }));
}

/** The one resource of `type` whose logical id contains `idPart`. */
export function resourceNamed(
  template: Template,
  type: string,
  idPart: string,
) {
  const matches = resourcesOf(template, type).filter((r) =>
    r.id.includes(idPart),
  );
  if (matches.length !== 1) {
    throw new Error(`${matches.length} ${type} match ${idPart}`);
  }
  return matches[0] as (typeof matches)[number];
}
