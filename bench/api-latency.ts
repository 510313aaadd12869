import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuterynClient } from '../functions/client/client.ts';
import { localConfig } from '../functions/local/config.ts';
import { startServer } from '../functions/local/server.ts';
import { row, summarize, timeEach } from './stats.ts';

const spawnTrue = () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('/bin/bash', ['-c', 'true'], { stdio: 'ignore' });
    child.once('exit', () => resolve());
    child.once('error', reject);
  });

/**
 * p50 / p99 of the API's sandbox operations over real HTTP on a real
 * platform, each against a baseline from the same run: a GET of the
 * sandbox (the floor of any API call) for lifecycle operations, and
 * spawning `bash -c true` on the host for exec.
 */
export async function benchApiLatency(scale: number): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'auteryn-bench-'));
  const server = await startServer(
    localConfig({
      port: 0,
      dataDir,
      maxUploadBytes: 1024 * 1024,
      snapshotIntervalMs: 3_600_000,
      idleCheckIntervalMs: 3_600_000,
      logLevel: 'ERROR',
    }),
  );
  const client = new AuterynClient({ baseUrl: server.url });
  const rounds = Math.max(5, Math.round(30 * scale));

  try {
    const ids: string[] = [];
    const create = await timeEach(rounds, async (i) => {
      ids.push((await client.createSandbox({ name: `bench-${i}` })).id);
    });
    const first = ids[0] ?? '';

    const get = await timeEach(rounds * 4, () => client.getSandbox(first));
    const host = await timeEach(rounds * 4, spawnTrue);
    const exec = await timeEach(rounds * 4, () =>
      client.exec(first, { command: 'true' }),
    );
    const stop = await timeEach(rounds, (i) =>
      client.stopSandbox(ids[i] ?? ''),
    );
    const start = await timeEach(rounds, (i) =>
      client.startSandbox(ids[i] ?? ''),
    );
    for (const id of ids) await client.stopSandbox(id);
    const wake = await timeEach(rounds, (i) =>
      client.exec(ids[i] ?? '', { command: 'true' }),
    );

    const floor = summarize(get);
    const spawnFloor = summarize(host);
    return [
      row('GET sandbox (baseline)', floor),
      row('create', summarize(create), floor),
      row('stop', summarize(stop), floor),
      row('start', summarize(start), floor),
      row('exec on a stopped sandbox (wake)', summarize(wake), floor),
      row('host spawn bash -c true (baseline)', spawnFloor),
      row('exec true', summarize(exec), spawnFloor),
    ];
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
