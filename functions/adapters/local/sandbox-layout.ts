import { mkdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ValidationError } from '../../../domain/errors.ts';
import type { Log } from '../../../domain/ports/log.ts';

/** The agent's home and the folders every sandbox starts with. */
export const AGENT_HOME = '/home/agent';
export const AGENT_FOLDERS = ['code', 'data', 'output', 'logs'].map(
  (folder) => `${AGENT_HOME}/${folder}`,
);

/** The only image locally: the host's own root file system. */
export const LOCAL_IMAGES = ['host'] as const;

/** Host tools run with this environment, whatever the platform's is. */
export const HOST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
};

/** A clean environment, so nothing of the platform's leaks in. */
export const sandboxEnv = (sandboxId: string): Record<string, string> => ({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: AGENT_HOME,
  USER: 'root',
  LANG: 'C.UTF-8',
  AUTERYN_SANDBOX_ID: sandboxId,
});

// Ids become directory names and the sandbox's host name (64 bytes max).
const SANDBOX_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertSandboxId(sandboxId: string): void {
  if (!SANDBOX_ID.test(sandboxId)) {
    throw new ValidationError(
      `invalid sandbox id ${JSON.stringify(sandboxId)}`,
    );
  }
}

export function assertImage(image: string): void {
  if (!(LOCAL_IMAGES as readonly string[]).includes(image)) {
    throw new ValidationError(`image must be one of: ${LOCAL_IMAGES.join()}`);
  }
}

/** Callers normalise paths; this re-checks what the adapter relies on. */
export function assertSandboxPath(path: string): void {
  if (!path.startsWith('/') || path.includes('\0')) {
    throw new ValidationError(`path must be absolute: ${path}`);
  }
}

export function assertEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name) || value.includes('\0')) {
      throw new ValidationError(`invalid environment variable ${name}`);
    }
  }
}

/** Where one sandbox keeps its files on the host. */
export interface SandboxDirs {
  root: string;
  upper: string;
  work: string;
  merged: string;
  provisionedMarker: string;
}

export function sandboxDirs(dataDir: string, sandboxId: string): SandboxDirs {
  const root = join(dataDir, 'sandboxes', sandboxId);
  return {
    root,
    upper: join(root, 'upper'),
    work: join(root, 'work'),
    merged: join(root, 'merged'),
    provisionedMarker: join(root, 'provisioned'),
  };
}

export const silentLog: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

// Overlay options are comma separated and colons split lower dirs.
const UNSAFE_DATA_DIR = /[,:\\\n]/;

/** Makes the data directory and returns its real path, checked. */
export function prepareDataDir(dataDir: string): string {
  if (!isAbsolute(dataDir)) {
    throw new Error(`data directory must be absolute: ${dataDir}`);
  }
  mkdirSync(join(dataDir, 'sandboxes'), { recursive: true });
  const real = realpathSync(dataDir);
  if (real === '/' || UNSAFE_DATA_DIR.test(real)) {
    throw new Error(`data directory cannot be used for sandboxes: ${real}`);
  }
  return real;
}
