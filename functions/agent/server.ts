import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Log } from '../../domain/ports/log.ts';
import { AGENT_FOLDERS, HOST_ENV } from '../adapters/local/sandbox-layout.ts';
import { createAgentApp } from './app.ts';
import type { AgentConfig } from './config.ts';
import { AgentMetricsCollector } from './metrics/collect.ts';
import { ProcessGroups } from './process-groups.ts';
import { SandboxShell } from './sandbox-shell.ts';
import { sandboxFiles } from './wiring.ts';

// In-flight requests get this long to finish once their processes died.
const DRAIN_MS = 5000;
const POLL_MS = 50;
// ECS waits stopTimeout (30 s by default) before SIGKILL: stay well below.
const SYNC_TIMEOUT_MS = 10_000;

export interface RunningAgent {
  url: string;
  port: number;
  /** Stops accepting, kills every process group, syncs the volume. */
  close(): Promise<void>;
}

/** The agent behind a Node HTTP server, serving one sandbox's root. */
export async function startAgent(
  config: AgentConfig,
  options: { logger: Log; version: string },
): Promise<RunningAgent> {
  await prepareRoot(config);

  const groups = new ProcessGroups();
  const shell = new SandboxShell({ ...config, groups });
  const metrics = new AgentMetricsCollector({
    ...config,
    startedAt: new Date(),
    activity: () => ({
      lastExecAt: shell.lastExecAt,
      activeExecs: shell.activeExecs,
    }),
  });
  const app = createAgentApp({
    ...config,
    ...options,
    shell,
    metrics,
    files: sandboxFiles(config.root, config.chroot, groups),
  });

  const server = serve({
    fetch: app.fetch,
    hostname: config.host,
    port: config.port,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${config.host}:${port}`,
    port,
    close: async () => {
      let closed = false;
      server.close(() => {
        closed = true;
      });

      await groups.terminate();
      // Answers of execs just ended leave idle keep-alive connections.
      for (let waited = 0; !closed && waited < DRAIN_MS; waited += POLL_MS) {
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        await delay(POLL_MS);
      }
      if (!closed && 'closeAllConnections' in server) {
        server.closeAllConnections();
      }
      await syncFileSystem(config.root);
    },
  };
}

async function prepareRoot(config: AgentConfig): Promise<void> {
  if (!config.chroot) {
    for (const folder of AGENT_FOLDERS) {
      await mkdir(join(config.root, folder), { recursive: true });
    }
    return;
  }

  const isDir = await stat(config.root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new Error(
      `AUTERYN_CHROOT=1 needs a seeded root at ${config.root} (entrypoint.sh)`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('AUTERYN_CHROOT=1 needs root (and CAP_SYS_CHROOT)');
  }
}

/** Flushes the volume, so the snapshot after StopTask holds everything. */
function syncFileSystem(root: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('sync', ['-f', root], { env: HOST_ENV });
    const timer = setTimeout(() => child.kill('SIGKILL'), SYNC_TIMEOUT_MS);
    child.once('error', () => resolve());
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));
