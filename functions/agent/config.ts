import { resolve } from 'node:path';
// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { assertSandboxId } from '../adapters/local/sandbox-layout.ts';
import { DEFAULT_AGENT_PORT } from './protocol.ts';

const GIB = 1024 ** 3;

const sandboxIdSchema = z.string().refine((id) => {
  try {
    assertSandboxId(id);
    return true;
  } catch {
    return false;
  }
}, 'a sandbox id');

/** Every setting of the agent; the task definition and RunTask set them. */
export const agentConfigSchema = z.object({
  AUTERYN_AGENT_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(DEFAULT_AGENT_PORT),
  // The platform's functions reach the task's ENI from inside the VPC.
  AUTERYN_AGENT_HOST: z.string().min(1).default('0.0.0.0'),
  AUTERYN_ROOT: z.string().min(1).default('/sandbox/root'),
  AUTERYN_SANDBOX_ID: sandboxIdSchema,
  // HMAC-SHA256 in hex (token.ts); the message never echoes the value.
  AUTERYN_AGENT_TOKEN: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters (see token.ts)'),
  AUTERYN_CHROOT: z.enum(['0', '1']).default('0'),
  AUTERYN_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(GIB),
  /** Only tests point this elsewhere, to see the fallback readings. */
  AUTERYN_CGROUP_ROOT: z.string().min(1).default('/sys/fs/cgroup'),
  AUTERYN_LOG_LEVEL: z
    .enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
    .default('INFO'),
});

export interface AgentConfig {
  port: number;
  host: string;
  /** Absolute path of the sandbox's root file system. */
  root: string;
  sandboxId: string;
  token: string;
  /** Run commands and file tools inside the root with chroot. */
  chroot: boolean;
  /** Ceiling of an upload when the platform names none. */
  maxUploadBytes: number;
  cgroupRoot: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** Reads the environment once; a bad value stops start-up with its name. */
export function readAgentConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const parsed = agentConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`bad setting: ${problems}`);
  }

  const settings = parsed.data;
  return {
    port: settings.AUTERYN_AGENT_PORT,
    host: settings.AUTERYN_AGENT_HOST,
    root: resolve(settings.AUTERYN_ROOT),
    sandboxId: settings.AUTERYN_SANDBOX_ID,
    token: settings.AUTERYN_AGENT_TOKEN,
    chroot: settings.AUTERYN_CHROOT === '1',
    maxUploadBytes: settings.AUTERYN_MAX_UPLOAD_BYTES,
    cgroupRoot: settings.AUTERYN_CGROUP_ROOT,
    logLevel: settings.AUTERYN_LOG_LEVEL,
  };
}
