import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type {
  ExecRequest,
  SandboxRuntime,
  SandboxSpec,
} from '../../../domain/ports/sandbox-runtime.ts';
import {
  SANDBOX_SIZES,
  type SandboxSize,
} from '../../../domain/sandbox/sizes.ts';

/** Random, so that suites running side by side never share a cgroup. */
export const sandboxId = (prefix = 'sbx') =>
  `${prefix}-${randomBytes(5).toString('hex')}`;

export const specOf = (
  id: string,
  size: SandboxSize = 'small',
): SandboxSpec => ({
  id,
  tenantId: 'local',
  image: 'host',
  resources: SANDBOX_SIZES[size],
  bootSnapshot: null,
  startToken: 1,
});

export const bodyOf = (content: string | Uint8Array) =>
  new Blob([content]).stream() as ReadableStream<Uint8Array>;

export const textOf = (stream: ReadableStream<Uint8Array>) =>
  new Response(stream).text();

/** Runs a command with defaults that suit a test. */
export const execIn = (
  runtime: SandboxRuntime,
  id: string,
  command: string,
  request: Partial<ExecRequest> = {},
) =>
  runtime.exec(id, {
    command,
    cwd: '/',
    env: {},
    timeoutSeconds: 20,
    ...request,
  });

/**
 * A fresh data directory for the suite and a runtime over it, closed and
 * removed afterwards. `make` builds the runtime from the directory.
 */
export function useRuntime<R extends SandboxRuntime>(
  make: (dataDir: string) => R,
): { runtime: R; dataDir: string } {
  const context = {} as { runtime: R; dataDir: string };

  beforeAll(async () => {
    context.dataDir = await mkdtemp(join(tmpdir(), 'auteryn-local-'));
    context.runtime = make(context.dataDir);
  });

  afterAll(async () => {
    await context.runtime?.close();
    if (context.dataDir) {
      await rm(context.dataDir, { recursive: true, force: true });
    }
  });
  return context;
}
