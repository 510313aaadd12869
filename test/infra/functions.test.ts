import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { handlerEnvSchema } from '../../functions/handlers/env.ts';
import { HANDLER_NAMES, HANDLERS } from '../../infra/handlers.ts';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

// The one file that runs esbuild for real: bundling is part of synth.
const { app, template } = synthesize({ bundle: true });
const FUNCTION = 'AWS::Lambda::Function';
const keyArn = {
  'Fn::GetAtt': [resourcesOf(template, 'AWS::KMS::Key')[0]?.id, 'Arn'],
};

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const handler = (name: string) =>
  resourceNamed(template, FUNCTION, `Functions${pascal(name)}`)
    .properties as Record<string, unknown> & {
    Environment: { Variables: Record<string, unknown> };
  };

const EXTRA_VARIABLES = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
  'NODE_OPTIONS',
];

describe('Lambda functions', () => {
  it.each(HANDLER_NAMES)('runs %s on Node.js 22, arm64, traced', (name) => {
    expect(handler(name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
  });

  it.each(HANDLER_NAMES)(
    'bundles %s with esbuild, minified, mapped',
    (name) => {
      const code = handler(name).Code as { S3Key: string };
      const asset = code.S3Key.replace('.zip', '');
      const bundle = join(app.outdir, `asset.${asset}`);

      expect(existsSync(join(bundle, 'index.mjs'))).toBe(true);
      expect(existsSync(join(bundle, 'index.mjs.map'))).toBe(true);
      expect(readFileSync(join(bundle, 'index.mjs'), 'utf8')).toContain(
        'createRequire',
      );
    },
  );

  it.each(HANDLER_NAMES)(
    'gives %s exactly the variables of the env schema',
    (name) => {
      const variables = Object.keys(handler(name).Environment.Variables);
      const expected = [
        ...Object.keys(handlerEnvSchema.shape),
        ...EXTRA_VARIABLES,
      ];
      expect(variables.sort()).toEqual(expected.sort());
    },
  );

  it('sets the settings the props default to', () => {
    expect(handler('api').Environment.Variables).toMatchObject({
      AGENT_PORT: '7070',
      SNAPSHOT_INTERVAL: '5m',
      IDLE_CHECK_INTERVAL: '1m',
      DEFAULT_RETENTION: '7d',
      DEFAULT_MAX_SNAPSHOTS: '100',
      POWERTOOLS_SERVICE_NAME: 'auteryn',
    });
    const sizes = JSON.parse(
      handler('api').Environment.Variables.SANDBOX_SIZES as string,
    );
    expect(sizes.medium).toEqual({
      cpus: 2,
      memoryBytes: 4 * 1024 ** 3,
      diskBytes: 20 * 1024 ** 3,
    });
  });

  it('logs every function to its own encrypted, expiring group', () => {
    const groups = HANDLER_NAMES.map((name) => {
      const logging = handler(name).LoggingConfig as {
        LogGroup: { Ref: string };
      };
      return logging.LogGroup.Ref;
    });

    expect(new Set(groups).size).toBe(HANDLER_NAMES.length);
    for (const group of groups) {
      expect(
        resourceNamed(template, 'AWS::Logs::LogGroup', group).properties,
      ).toMatchObject({ KmsKeyId: keyArn, RetentionInDays: 30 });
    }
  });

  it('runs the fleet-wide jobs one at a time', () => {
    for (const name of ['snapshot-tick', 'idle-check', 'reconciler']) {
      expect(handler(name).ReservedConcurrentExecutions).toBe(1);
    }
    expect(handler('api').ReservedConcurrentExecutions).toBeUndefined();
  });

  it('puts only the functions that call agents in the VPC', () => {
    const inVpc = HANDLER_NAMES.filter((name) => handler(name).VpcConfig);
    expect(inVpc.sort()).toEqual([
      'api',
      'idle-check',
      'lifecycle',
      'snapshot-tick',
    ]);
  });

  it('gives each asynchronous function an encrypted dead-letter queue', () => {
    const async = HANDLER_NAMES.filter((name) =>
      ['schedule', 'rule'].includes(HANDLERS[name].trigger),
    );
    for (const name of async) {
      const dlq = handler(name).DeadLetterConfig as {
        TargetArn: { 'Fn::GetAtt': [string, string] };
      };
      const queue = dlq.TargetArn['Fn::GetAtt'][0];
      expect(
        resourceNamed(template, 'AWS::SQS::Queue', queue).properties,
      ).toMatchObject({ KmsMasterKeyId: keyArn });
    }
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', async.length);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('FunctionsSnapshotTick') },
      MaximumRetryAttempts: 0,
    });
  });

  it('encrypts and keeps failure queues for 14 days, TLS only', () => {
    for (const queue of resourcesOf(template, 'AWS::SQS::Queue')) {
      expect(queue.properties).toMatchObject({
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: 14 * 86_400,
      });
    }
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('stream consumers', () => {
  it.each(['StreamProjector', 'Lifecycle'])(
    'feeds %s from the events stream with bounded, bisected retries',
    (id) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: Match.stringLikeRegexp(`Functions${id}`) },
        EventSourceArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('TablesEvents'), 'StreamArn'],
        },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: {
          OnFailure: {
            Destination: {
              'Fn::GetAtt': [Match.stringLikeRegexp(`${id}Failures`), 'Arn'],
            },
          },
        },
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }],
        },
      });
    },
  );

  it('has exactly two readers on the stream', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });
});
