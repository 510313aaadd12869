import { resolve } from 'node:path';
// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import {
  durationSchema,
  durationSeconds,
} from '../../domain/sandbox/duration.ts';
import { regionSchema } from '../../domain/transfer/transfer.ts';
import {
  DEFAULT_PRICES,
  type PriceList,
} from '../../domain/usage/usage-report.ts';

/** `small=0.025,medium=0.05,large=0.1`: hourly price per size. */
const pricesSchema = z
  .string()
  .regex(
    /^(small|medium|large)=\d+(\.\d+)?(,(small|medium|large)=\d+(\.\d+)?)*$/,
    'like small=0.025,medium=0.05,large=0.1',
  )
  .transform((text) => ({
    ...DEFAULT_PRICES.perHour,
    ...Object.fromEntries(
      text.split(',').map((pair) => {
        const [size, price] = pair.split('=');
        return [size, Number(price)];
      }),
    ),
  }));

const GIB = 1024 ** 3;

/** Every setting of the local platform; the README's table lists them. */
export const localConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  AUTERYN_HOST: z.string().default('127.0.0.1'),
  AUTERYN_DATA_DIR: z.string().min(1).default('./.auteryn'),
  AUTERYN_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(GIB),
  AUTERYN_SNAPSHOT_INTERVAL: durationSchema.default('5m'),
  AUTERYN_IDLE_CHECK_INTERVAL: durationSchema.default('1m'),
  AUTERYN_PRICE_PER_HOUR: pricesSchema.optional(),
  AUTERYN_CURRENCY: z.string().min(1).max(8).default('USD'),
  AUTERYN_REGION: regionSchema.default('local'),
  AUTERYN_EXPORT_STORE: z
    .string()
    .refine(
      (store) => store.startsWith('s3://') || store.startsWith('/'),
      'an s3://bucket/prefix URI or an absolute directory',
    )
    .optional(),
  AUTERYN_LOG_LEVEL: z
    .enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
    .default('INFO'),
});

export interface LocalConfig {
  port: number;
  host: string;
  dataDir: string;
  maxUploadBytes: number;
  /** How often running sandboxes that changed are snapshotted. */
  snapshotIntervalMs: number;
  /** How often running sandboxes are checked for idleness. */
  idleCheckIntervalMs: number;
  /** What a running hour costs per size, for usage reports. */
  prices: PriceList;
  /** This platform's region name, recorded on exports and imports. */
  region: string;
  /** Where exports go: a directory or `s3://bucket/prefix`; default `<dataDir>/exports`. */
  exportStore?: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** Reads the environment once; a bad value stops start-up with its name. */
export function readLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const parsed = localConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`bad setting: ${problems}`);
  }

  const settings = parsed.data;
  return {
    port: settings.PORT,
    host: settings.AUTERYN_HOST,
    dataDir: resolve(settings.AUTERYN_DATA_DIR),
    maxUploadBytes: settings.AUTERYN_MAX_UPLOAD_BYTES,
    snapshotIntervalMs:
      durationSeconds(settings.AUTERYN_SNAPSHOT_INTERVAL) * 1000,
    idleCheckIntervalMs:
      durationSeconds(settings.AUTERYN_IDLE_CHECK_INTERVAL) * 1000,
    region: settings.AUTERYN_REGION,
    exportStore: settings.AUTERYN_EXPORT_STORE,
    prices: {
      currency: settings.AUTERYN_CURRENCY,
      perHour: settings.AUTERYN_PRICE_PER_HOUR ?? DEFAULT_PRICES.perHour,
    },
    logLevel: settings.AUTERYN_LOG_LEVEL,
  };
}

/** The defaults with a few settings changed, for tests and benchmarks. */
export const localConfig = (overrides: Partial<LocalConfig>): LocalConfig => ({
  ...readLocalConfig({}),
  ...overrides,
});
