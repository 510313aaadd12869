import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `.ci/install-moto.sh` unpacks Debian 13's python3-moto. */
export const MOTO_SITE_PACKAGES = fileURLToPath(
  new URL('../../.tmp/moto/usr/lib/python3/dist-packages', import.meta.url),
);

const PYTHON = '/usr/bin/python3';
const START_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 4_000;

/** A moto_server process on 127.0.0.1 and a port of its own. */
export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts moto_server on a free port (`-p 0`: the kernel picks it and
 * werkzeug prints it), resolving once it serves its own API. Throws,
 * naming the install script, when moto is not installed: a suite that
 * needs it fails rather than skips.
 */
export async function startMotoServer(
  sitePackages = MOTO_SITE_PACKAGES,
): Promise<MotoServer> {
  if (!existsSync(`${sitePackages}/moto/server.py`)) {
    throw new Error(
      `moto_server is not installed in ${sitePackages}: ` +
        'run `bash .ci/install-moto.sh` (or set AWS_ENDPOINT_URL)',
    );
  }

  const child = spawn(
    PYTHON,
    ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'],
    {
      env: {
        ...process.env,
        PYTHONPATH: sitePackages,
        PYTHONUNBUFFERED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const endpoint = await announcedEndpoint(child);
  await untilServing(endpoint);

  return { endpoint, stop: () => stopProcess(child) };
}

/** Reads werkzeug's "Running on http://…" line; keeps draining after. */
function announcedEndpoint(child: ChildProcess): Promise<string> {
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moto_server did not start in time:\n${log}`));
    }, START_TIMEOUT_MS);

    const read = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-LOG_TAIL_CHARS);
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${log}`));
    });
  });
}

async function untilServing(endpoint: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
