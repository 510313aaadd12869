import type { Measured } from './snapshot-rounds.ts';
import type { ChangeSummary } from './snapshot-tree.ts';
import { row } from './stats.ts';

const INCREMENTAL_GOAL = 3;
const RESTORE_GOAL = 5;
const STORAGE_GOAL_PERCENT = 1;

type Copies = Record<'rsync' | 'capture' | 'cp' | 'restic', Measured>;

/** What the snapshots benchmark measured, in one run. */
export interface SnapshotFigures {
  layer: { files: number; symlinks: number; dirs: number; bytes: number };
  /** 1-minute load averages at the start and the end, and the cores. */
  load: { start: number; end: number; cores: number };
  full: Copies;
  /** The first round's change; the others are alike in counts. */
  change: ChangeSummary;
  writtenP50: number;
  incremental: Copies;
  storedP50: number;
  restore: Record<'cp' | 'rsync' | 'store', Measured>;
  rewrittenP50: number;
  /** Bytes each one's storage grew by for an unchanged layer. */
  growth: { store: number; rsync: number; restic: number };
}

const mb = (bytes: number) =>
  bytes < 1e6
    ? `${(bytes / 1e3).toFixed(1)} kB`
    : `${(bytes / 1e6).toFixed(1)} MB`;
const times = (factor: number) => `${factor.toFixed(1)}x`;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** How many times faster `own` is than `baseline`, by p50. */
const faster = (baseline: Measured, own: Measured) =>
  baseline.p50 / Math.max(own.p50, Number.EPSILON);

/** The same by the fastest round of each, the least disturbed one. */
const fasterAtBest = (baseline: Measured, own: Measured) =>
  baseline.best / Math.max(own.best, Number.EPSILON);

/** The lines printed: rows with ratios, then each goal and its verdict. */
export function reportLines(figures: SnapshotFigures): string[] {
  const { layer, load, full, change, incremental, restore, growth } = figures;
  const percent = (bytes: number) => (100 * bytes) / layer.bytes;
  const captureFactor = faster(incremental.rsync, incremental.capture);
  const restoreFactors = [
    faster(restore.cp, restore.store),
    faster(restore.rsync, restore.store),
  ];
  const restoreAtBest = [
    fasterAtBest(restore.cp, restore.store),
    fasterAtBest(restore.rsync, restore.store),
  ];
  const storePercent = percent(growth.store);

  return [
    `layer: ${layer.files} files, ${layer.symlinks} symlinks, ` +
      `${layer.dirs} folders, ${mb(layer.bytes)} on disk`,
    `load average ${load.start.toFixed(1)} at the start, ` +
      `${load.end.toFixed(1)} at the end, on ${load.cores} cores`,
    '',
    'first full copy, once each:',
    row('rsync -a (baseline)', full.rsync),
    row('capture (full)', full.capture, full.rsync),
    row('cp -a', full.cp, full.rsync),
    row('restic backup (first)', full.restic, full.rsync),
    '',
    `after a 1% change (${change.rewritten} rewritten, ` +
      `${change.appended} appended, ${change.deleted} deleted, ` +
      `${change.added} added; p50 ${mb(figures.writtenP50)} written):`,
    row('rsync -a --link-dest (baseline)', incremental.rsync),
    row('capture (incremental)', incremental.capture, incremental.rsync),
    row('cp -a (full copy)', incremental.cp, incremental.rsync),
    row('restic backup (incremental)', incremental.restic, incremental.rsync),
    `capture stored anew p50 ${mb(figures.storedP50)} a round`,
    `capture is ${times(captureFactor)} faster than rsync --link-dest ` +
      `at p50 (goal: at least ${INCREMENTAL_GOAL}x): ` +
      verdict(captureFactor >= INCREMENTAL_GOAL),
    `  fastest round of each: ` +
      `${times(fasterAtBest(incremental.rsync, incremental.capture))}`,
    '',
    'restore of the snapshot before the change onto the changed layer:',
    row('cp -a into empty (baseline)', restore.cp),
    row('rsync -a into empty', restore.rsync, restore.cp),
    row('restore (1% differs)', restore.store, restore.cp),
    `restore rewrote p50 ${figures.rewrittenP50} entries`,
    `restore is ${restoreFactors.map(times).join(' / ')} faster than ` +
      `cp -a / rsync -a at p50 (goal: at least ${RESTORE_GOAL}x): ` +
      verdict(restoreFactors.every((factor) => factor >= RESTORE_GOAL)),
    `  fastest round of each: ${restoreAtBest.map(times).join(' / ')}`,
    '',
    'storage added by a snapshot of the unchanged layer (du -B1):',
    `store              +${growth.store} B = ` +
      `${storePercent.toFixed(3)}% of the layer ` +
      `(goal: under ${STORAGE_GOAL_PERCENT}%): ` +
      verdict(storePercent < STORAGE_GOAL_PERCENT),
    `rsync --link-dest  +${growth.rsync} B = ` +
      `${percent(growth.rsync).toFixed(3)}%`,
    `restic             +${growth.restic} B = ` +
      `${percent(growth.restic).toFixed(3)}%`,
  ];
}
