import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { localConfig } from '../functions/local/config.ts';
import {
  type LocalPlatform,
  startLocalPlatform,
} from '../functions/local/platform.ts';
import { flushDisk, run } from './snapshot-baselines.ts';
import { generateTree } from './snapshot-tree.ts';
import { summarize } from './stats.ts';

const MIB = 1024 * 1024;
const WAIT = { timeoutMs: 30 * 60_000, intervalMs: 100 };

/**
 * `npm run bench -- transfers [--scale F]`: export and import of a
 * 200 MB / 20 000-file sandbox between two local platforms through a
 * directory store, against `tar` of the same layer to the same place
 * (tar -c into the store, tar -x out of it, each followed by `sync` as
 * the export's own writes are flushed). Rounds interleave the four so
 * that noise hits all alike; throughput is the layer's bytes a second.
 */
export async function benchTransfers(
  scale: number,
  progress: (line: string) => void,
): Promise<string[]> {
  const root = await mkdtemp(join(tmpdir(), 'auteryn-bench-transfers-'));
  const platforms: LocalPlatform[] = [];
  try {
    const start = async (name: string, region: string) => {
      const platform = await startLocalPlatform(
        localConfig({
          dataDir: join(root, name),
          region,
          exportStore: join(root, 'store'),
          snapshotIntervalMs: 3_600_000,
          idleCheckIntervalMs: 3_600_000,
          logLevel: 'ERROR',
        }),
      );
      platforms.push(platform);
      return platform;
    };
    const source = await start('source', 'bench-east');
    const target = await start('target', 'bench-west');

    const files = Math.max(200, Math.round(20_000 * scale));
    const bytes = Math.max(2 * MIB, Math.round(200 * MIB * scale));
    const tenant = 'local';
    const sandbox = await source.sandboxes.create(tenant, {
      name: 'bench-transfer',
      size: 'small',
      autoShutdown: false,
      shutdownAfter: '1h',
      idleCpuPercent: 5,
      image: 'host',
      snapshotRetention: { retention: '7d', maxSnapshots: 100 },
    });
    await source.sandboxes.command(tenant, sandbox.id, {
      type: 'StopSandbox',
      data: { reason: 'user' },
    });
    const upper = join(root, 'source', 'sandboxes', sandbox.id, 'upper');
    progress(`writing ${files} files, ${(bytes / MIB).toFixed(0)} MiB...`);
    generateTree(upper, files, bytes);
    await source.snapshots.create(tenant, sandbox.id, 'bench');

    const rounds = Math.max(2, Math.round(3 * Math.min(1, scale * 2)));
    const times = { export: [] as number[], import: [] as number[] };
    const tars = { create: [] as number[], extract: [] as number[] };

    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1} of ${rounds}`);
      const location = await timed(times.export, async () => {
        const asked = await source.transfers.requestExport(tenant, sandbox.id, {
          targetRegion: 'bench-west',
          snapshot: 'bench',
        });
        const done = await waitFor(() =>
          source.transfers.getExport(tenant, asked.id),
        );
        await flushDisk();
        return done.location ?? '';
      });

      const imported = await timed(times.import, async () => {
        const asked = await target.transfers.requestImport(tenant, {
          source: location,
        });
        const done = await waitFor(() =>
          target.transfers.getImport(tenant, asked.id),
        );
        await flushDisk();
        return done;
      });
      if (imported.status !== 'completed') {
        throw new Error(`import failed: ${imported.error}`);
      }
      await target.sandboxes.delete(tenant, imported.sandboxId);

      const tarball = join(root, 'store', `tar-${round}.tar`);
      await timed(tars.create, async () => {
        await run('tar', ['-cf', tarball, '-C', upper, '.']);
        await flushDisk();
      });
      const out = join(root, `untarred-${round}`);
      await mkdir(out);
      await timed(tars.extract, async () => {
        await run('tar', ['-xf', tarball, '-C', out]);
        await flushDisk();
      });
    }

    const rate = (samples: number[]) =>
      bytes / MIB / (summarize(samples).p50 / 1000);
    const line = (label: string, samples: number[], baseline?: number[]) => {
      const mbps = rate(samples);
      const ratio = baseline
        ? `  ratio ${(mbps / rate(baseline)).toFixed(2)}x`
        : '';
      return (
        `${label.padEnd(32)} n=${String(samples.length).padStart(2)}  ` +
        `p50 ${(summarize(samples).p50 / 1000).toFixed(2).padStart(7)} s  ` +
        `${mbps.toFixed(1).padStart(7)} MB/s${ratio}`
      );
    };
    return [
      `sandbox layer: ${files} files, ${(bytes / MIB).toFixed(0)} MiB; ` +
        'store: a local directory',
      line('tar -c to the store (baseline)', tars.create),
      line('export', times.export, tars.create),
      line('tar -x from the store (baseline)', tars.extract),
      line('import', times.import, tars.extract),
    ];
  } finally {
    for (const platform of platforms) await platform.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function timed<T>(samples: number[], work: () => Promise<T>) {
  const began = performance.now();
  const result = await work();
  samples.push(performance.now() - began);
  return result;
}

async function waitFor<T extends { status: string }>(
  read: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + WAIT.timeoutMs;
  for (;;) {
    const record = await read();
    if (record.status === 'completed' || record.status === 'failed') {
      return record;
    }
    if (Date.now() > deadline) throw new Error('transfer did not finish');
    await new Promise((done) => setTimeout(done, WAIT.intervalMs));
  }
}
