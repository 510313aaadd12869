import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDirs } from '../functions/adapters/local/sandbox-layout.ts';
import { LocalSnapshotStore } from '../functions/adapters/local/snapshots/index.ts';
import {
  assertSameTree,
  cpCopy,
  diskUsage,
  missingTools,
  ResticRepository,
  rsyncCopy,
} from './snapshot-baselines.ts';
import { reportLines } from './snapshot-report.ts';
import { once, rotatedRounds } from './snapshot-rounds.ts';
import {
  type ChangeSummary,
  changeOnePercent,
  generateTree,
} from './snapshot-tree.ts';
import { summarize } from './stats.ts';

const SANDBOX = 'sbx-bench';
const FILES = 20_000;
const BYTES = 200_000_000;
const ROUNDS = 7;

// A stopped sandbox, as the tests' capture child has it: nothing runs,
// so nothing needs pausing and the layer is one moment by itself.
const STOPPED = { isRunning: async () => false };

const snap = (round: number) => `snap-r${round}`;
const p50 = (values: number[]) => summarize(values).p50;

/**
 * The local snapshot engine against cp -a, rsync --link-dest and restic
 * on one generated sandbox layer and the same 1% changes: incremental
 * capture, restore of the snapshot before a change, and what a snapshot
 * of an unchanged layer adds to the store.
 */
export async function benchSnapshots(
  scale: number,
  progress: (line: string) => void,
): Promise<string[]> {
  const missing = missingTools();
  if (missing.length > 0) {
    const names = missing.map((tool) => tool.command).join(', ');
    const packages = [...new Set(missing.map((tool) => tool.pkg))].join(' ');
    throw new Error(
      `snapshots: baseline tools missing (${names}); install them with: apt-get install -y ${packages}`,
    );
  }

  const work = await mkdtemp(join(tmpdir(), 'auteryn-bench-snapshots-'));
  // No finally block runs on Ctrl-C: remove the copies then too.
  const onSignal = () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return reportLines(await measure(work, scale, progress));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(work, { recursive: true, force: true });
  }
}

async function measure(
  work: string,
  scale: number,
  progress: (line: string) => void,
) {
  const loadAtStart = loadavg()[0] ?? 0;
  const dataDir = join(work, 'data');
  const store = new LocalSnapshotStore({ dataDir, runtime: STOPPED });
  const upper = sandboxDirs(dataDir, SANDBOX).upper;
  const copies = join(work, 'rsync');
  const copyAt = (round: number) => join(copies, `r${round}`);
  const scratch = join(work, 'scratch');
  const dropScratch = () => rm(scratch, { recursive: true, force: true });
  const restic = new ResticRepository(join(work, 'restic'));
  await mkdir(copies);
  await restic.init();

  const fileCount = Math.max(200, Math.round(FILES * scale));
  const totalBytes = Math.round(BYTES * scale);
  progress(`  writing ${fileCount} files, ${totalBytes} B, in ${work}`);
  const tree = generateTree(upper, fileCount, totalBytes);
  const layerBytes = await diskUsage(upper);

  progress('  first full copies');
  const full = await once({
    rsync: () => rsyncCopy(upper, copyAt(0)),
    capture: () => store.capture(SANDBOX, snap(0)),
    cp: () => cpCopy(upper, scratch),
    restic: () => restic.backup(upper),
  });
  await dropScratch();

  progress(`  ${ROUNDS} rounds: a 1% change, then each copy or snapshot`);
  const changes: ChangeSummary[] = [];
  const stored: number[] = [];
  const incremental = await rotatedRounds(
    ROUNDS,
    (round) => changes.push(changeOnePercent(tree, round)),
    {
      rsync: {
        run: (round) => rsyncCopy(upper, copyAt(round), copyAt(round - 1)),
      },
      capture: {
        run: async (round) => {
          const stats = await store.capture(SANDBOX, snap(round));
          stored.push(stats.changedBytes);
        },
      },
      cp: { run: () => cpCopy(upper, scratch), after: dropScratch },
      restic: { run: () => restic.backup(upper) },
    },
  );

  progress('  a snapshot of the unchanged layer');
  const growth = async (dir: string, act: () => Promise<unknown>) => {
    const before = await diskUsage(dir);
    await act();
    return (await diskUsage(dir)) - before;
  };
  const storeRoot = join(dataDir, 'snapshots', SANDBOX);
  const unchanged = {
    store: await growth(storeRoot, () =>
      store.capture(SANDBOX, 'snap-unchanged'),
    ),
    rsync: await growth(copies, () =>
      rsyncCopy(upper, copyAt(ROUNDS + 1), copyAt(ROUNDS)),
    ),
    restic: await growth(restic.dir, () => restic.backup(upper)),
  };

  progress('  restores of the snapshot before the last change');
  const before = copyAt(ROUNDS - 1);
  const rewritten: number[] = [];
  const restore = await rotatedRounds(ROUNDS, () => undefined, {
    cp: { run: () => cpCopy(before, scratch), after: dropScratch },
    rsync: { run: () => rsyncCopy(before, scratch), after: dropScratch },
    store: {
      run: async () => {
        const stats = await store.restore(SANDBOX, snap(ROUNDS - 1));
        rewritten.push(stats.rewritten);
      },
      // Forward again for the next round; both directions checked once.
      after: async (round) => {
        if (round === 1) await assertSameTree(upper, before);
        await store.restore(SANDBOX, snap(ROUNDS));
        if (round === 1) await assertSameTree(upper, copyAt(ROUNDS));
      },
    },
  });

  return {
    layer: {
      files: tree.files.length,
      symlinks: tree.symlinks,
      dirs: tree.dirs.length,
      bytes: layerBytes,
    },
    load: {
      start: loadAtStart,
      end: loadavg()[0] ?? 0,
      cores: availableParallelism(),
    },
    full,
    change: changes[0] as ChangeSummary,
    writtenP50: p50(changes.map((change) => change.bytesWritten)),
    incremental,
    storedP50: p50(stored),
    restore,
    rewrittenP50: p50(rewritten),
    growth: unchanged,
  };
}
