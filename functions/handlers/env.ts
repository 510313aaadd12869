// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { durationSchema } from '../../domain/sandbox/duration.ts';
import { sandboxSizeSchema } from '../../domain/sandbox/sizes.ts';

/** The port the sandbox agent listens on inside every sandbox task. */
export const AGENT_PORT = 7070;

/**
 * The tag on every task, volume and snapshot the platform makes, its
 * value the deployment's id (DEPLOYMENT_ID). The deployment's IAM
 * policies only let it act on resources that carry its own value.
 */
export const MANAGED_TAG = 'auteryn:managed';

const name = z.string().min(1);
const arn = z.string().startsWith('arn:');
const count = z.coerce.number().int().positive();

const resourcesSchema = z.strictObject({
  cpus: z.number().positive(),
  memoryBytes: z.number().int().positive(),
  diskBytes: z.number().int().positive(),
});

/** A variable holding JSON, parsed; then checked by what it pipes to. */
const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});

/** `{"small":{"cpus":1,"memoryBytes":…,"diskBytes":…},…}`, every size. */
const sandboxSizesSchema = jsonText.pipe(
  z.record(sandboxSizeSchema, resourcesSchema),
);

/** A JSON object from region names to values of `value`. */
function jsonRecord<T extends z.ZodType<string>>(value: T) {
  return jsonText.pipe(z.record(z.string(), value));
}

/**
 * Every environment variable the Lambda handlers read. The CDK construct
 * sets exactly these (its types are derived from this schema), plus the
 * POWERTOOLS_* variables that Powertools reads by itself.
 */
export const handlerEnvSchema = z.object({
  EVENTS_TABLE: name,
  SANDBOXES_TABLE: name,
  NAMES_TABLE: name,
  ACTIVITY_TABLE: name,
  SCHEDULES_TABLE: name,
  TRANSFERS_TABLE: name,
  EVENT_BUS_NAME: name,
  CLUSTER_ARN: arn,
  TASK_DEFINITION_ARN: arn,
  CAPACITY_PROVIDER: name,
  SUBNET_IDS: z
    .string()
    .transform((text) => text.split(',').filter(Boolean))
    .pipe(z.array(name).min(1)),
  SANDBOX_SECURITY_GROUP_ID: name,
  INFRASTRUCTURE_ROLE_ARN: arn,
  KMS_KEY_ARN: arn,
  EXPORT_BUCKET: name,
  AGENT_SECRET_ARN: arn,
  AGENT_PORT: z.coerce.number().int().min(1).max(65_535).default(AGENT_PORT),
  SNAPSHOT_INTERVAL: durationSchema.default('5m'),
  IDLE_CHECK_INTERVAL: durationSchema.default('1m'),
  DEFAULT_RETENTION: durationSchema.default('7d'),
  DEFAULT_MAX_SNAPSHOTS: count.default(100),
  SANDBOX_SIZES: sandboxSizesSchema,
  AUTERYN_REGION: name,
  /** This deployment's value of the `auteryn:managed` tag. */
  DEPLOYMENT_ID: name,
  /** The target deployments' ids, per region (copies carry theirs). */
  EXPORT_DEPLOYMENTS: jsonRecord(name).default({}),
  /**
   * Where exports to each region go, `{"eu-west-1":"s3://bucket/prefix"}`:
   * the target deployments' export buckets.
   */
  EXPORT_TARGETS: jsonRecord(z.string().startsWith('s3://')).default({}),
  /** The key to re-encrypt EBS copies with, per target region. */
  EXPORT_KMS_KEYS: jsonRecord(arn).default({}),
  LOG_LEVEL: z
    .enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
    .default('INFO'),
});

/** The handlers' settings, parsed: numbers, lists and sizes typed. */
export type HandlerEnv = z.output<typeof handlerEnvSchema>;

/** The names of the variables, as the construct must set them. */
export type HandlerEnvName = keyof z.input<typeof handlerEnvSchema>;

/**
 * Reads the environment once per process. A missing or bad variable
 * fails the cold start with its name, not a later call with a riddle.
 */
export function readHandlerEnv(env: NodeJS.ProcessEnv): HandlerEnv {
  const parsed = handlerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`bad handler environment: ${problems}`);
  }

  return parsed.data;
}
