import { join } from 'node:path';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerEnvName } from '../functions/handlers/env.ts';
import { grantKey } from './encryption.ts';
import {
  HANDLER_NAMES,
  HANDLERS,
  type HandlerName,
  type HandlerSpec,
} from './handlers.ts';
import type { PlatformConfig } from './platform-config.ts';
import { encryptedQueue } from './queues.ts';
import { REPO_ROOT } from './sandbox-task.ts';

// ESM bundles still meet CommonJS dependencies that call require().
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module';" +
  'const require = createRequire(import.meta.url);';

/** Props of {@link PlatformFunctions}. */
export interface PlatformFunctionsProps {
  readonly config: PlatformConfig;
  readonly key: kms.IKey;
  readonly environment: Record<HandlerEnvName, string>;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * One NodejsFunction per handler: Node.js 22 on arm64, bundled locally by
 * esbuild (minified, with source maps), traced with X-Ray, logging to a
 * group on the platform's key. Each asynchronous or stream handler has
 * its own failure queue.
 */
export class PlatformFunctions extends Construct {
  readonly byName: Record<HandlerName, nodejs.NodejsFunction>;
  /** Where failed invocations or stream batches of each handler go. */
  readonly failures: Partial<Record<HandlerName, sqs.Queue>> = {};

  constructor(scope: Construct, id: string, props: PlatformFunctionsProps) {
    super(scope, id);

    const entries = HANDLER_NAMES.map(
      (name) => [name, this.handler(name, HANDLERS[name], props)] as const,
    );
    this.byName = Object.fromEntries(entries) as Record<
      HandlerName,
      nodejs.NodejsFunction
    >;
  }

  /** The failure queue of a handler that has one. */
  failureQueue(name: HandlerName, key: kms.IKey): sqs.Queue {
    this.failures[name] ??= encryptedQueue(
      this,
      `${pascal(name)}Failures`,
      key,
    );
    return this.failures[name];
  }

  private handler(
    name: HandlerName,
    spec: HandlerSpec,
    props: PlatformFunctionsProps,
  ): nodejs.NodejsFunction {
    const id = pascal(name);
    const inVpc = spec.can.includes('agent');
    const invokedAsync = spec.trigger === 'schedule' || spec.trigger === 'rule';
    const deadLetterQueue = invokedAsync
      ? this.failureQueue(name, props.key)
      : undefined;

    const fn = new nodejs.NodejsFunction(this, id, {
      entry: join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`),
      handler: 'handler',
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: spec.reservedConcurrency,
      deadLetterQueue,
      retryAttempts: spec.retryAttempts,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'auteryn',
        POWERTOOLS_METRICS_NAMESPACE: 'Auteryn',
        // Responses carry file contents and command output: keep them
        // out of the traces.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        // Stack traces through the bundle's source maps.
        NODE_OPTIONS: '--enable-source-maps',
      },
      logGroup: new logs.LogGroup(this, `${id}Logs`, {
        encryptionKey: props.key,
        retention: props.config.logRetention,
        removalPolicy: props.config.removalPolicy,
      }),
      ...(inVpc && {
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        securityGroups: [props.securityGroup],
      }),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      awsSdkConnectionReuse: false,
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        // The nodejs22.x runtime ships the v3 clients: bundling them made
        // every handler 1.1-1.6 MB, over the 1 MB budget (bench/handlers).
        externalModules: ['@aws-sdk/client-*'],
      },
    });

    // Lambda grants sqs:SendMessage; an encrypted queue needs the key too.
    if (deadLetterQueue) grantKey(props.key, fn, 'encrypt-decrypt');
    return fn;
  }
}

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, __, letter: string) =>
    letter.toUpperCase(),
  );
