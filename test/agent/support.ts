import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AgentClient } from '../../functions/adapters/aws/agent-client.ts';
import { agentToken } from '../../functions/agent/token.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const SIGNING_KEY = 'test-agent-signing-key';

export interface AgentProcess {
  url: string;
  pid: number;
  sandboxId: string;
  token: string;
  client: AgentClient;
  output: () => string;
  /** Sends a signal and waits for the exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface AgentLaunch {
  /** The program and its arguments; the agent's source through tsx. */
  argv?: string[];
  sandboxId?: string;
  env?: Record<string, string>;
}

/** The agent as a real child process on 127.0.0.1, on a free port. */
export async function startAgentProcess(
  root: string,
  launch: AgentLaunch = {},
): Promise<AgentProcess> {
  const sandboxId = launch.sandboxId ?? 'sbx-agent-test';
  const token = agentToken(SIGNING_KEY, sandboxId);
  const argv = launch.argv ?? [
    process.execPath,
    '--import',
    'tsx',
    'functions/agent/main.ts',
  ];
  const [command = '', ...args] = argv;
  const child: ChildProcess = spawn(command, args, {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AUTERYN_AGENT_PORT: '0',
      AUTERYN_AGENT_HOST: '127.0.0.1',
      AUTERYN_ROOT: root,
      AUTERYN_SANDBOX_ID: sandboxId,
      AUTERYN_AGENT_TOKEN: token,
      ...launch.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await listeningUrl(child, () => output);

  return {
    url,
    pid: child.pid ?? 0,
    sandboxId,
    token,
    client: new AgentClient({ baseUrl: url, token }),
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}

function listeningUrl(child: ChildProcess, output: () => string) {
  return new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const match = /"message":"agent listening".*?"url":"([^"]+)"/.exec(
        output(),
      );
      if (match?.[1]) {
        clearInterval(timer);
        resolveUrl(match[1]);
      }
    }, 25);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`agent exited with ${code}: ${output()}`));
    });
  });
}

/** A temp root and an agent serving it for the whole suite. */
export function useAgent(launch: AgentLaunch = {}) {
  const given = {} as { root: string; agent: AgentProcess };

  beforeAll(async () => {
    given.root = await mkdtemp(join(tmpdir(), 'auteryn-agent-'));
    given.agent = await startAgentProcess(given.root, launch);
  });
  afterAll(async () => {
    await given.agent?.stop();
    await rm(given.root, { recursive: true, force: true });
  });
  return given;
}

export const bodyOf = (content: string | Uint8Array) =>
  new Blob([content]).stream();

export async function bytesOf(stream: ReadableStream<Uint8Array>) {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

/** Whether the process runs; a zombie waiting for its reaper does not. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until the process is gone; false if it still runs after 10 s. */
export async function ended(pid: number): Promise<boolean> {
  for (let tries = 0; tries < 200 && isAlive(pid); tries += 1) {
    await new Promise((done) => setTimeout(done, 50));
  }
  return !isAlive(pid);
}

export const raw = (agent: AgentProcess, path: string, init?: RequestInit) =>
  fetch(`${agent.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${agent.token}`, ...init?.headers },
  });
