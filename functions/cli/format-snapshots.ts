import type { Snapshot, SnapshotDiff } from '../client/index.ts';
import { block, table, timestamp } from './format.ts';

export function snapshotTable(snapshots: Snapshot[]): string {
  return table(
    ['ID', 'NAME', 'KIND', 'STATUS', 'CREATED', 'SIZE', 'CHANGED'],
    snapshots.map((snapshot) => [
      snapshot.id,
      snapshot.name ?? '-',
      snapshot.kind,
      snapshot.status,
      timestamp(snapshot.createdAt),
      ...sizesOf(snapshot),
    ]),
  );
}

/** A snapshot as `key: value` lines, the values aligned. */
export function snapshotBlock(snapshot: Snapshot): string {
  const [size, changed] = sizesOf(snapshot);
  const completed = snapshot.status === 'completed';
  return block([
    ['id', snapshot.id],
    ['name', snapshot.name],
    ['sandbox', snapshot.sandboxId],
    ['kind', snapshot.kind],
    ['status', snapshot.status],
    ['error', snapshot.error],
    ['created', timestamp(snapshot.createdAt)],
    ['completed', snapshot.completedAt && timestamp(snapshot.completedAt)],
    ['size', completed ? `${size} in ${snapshot.fileCount} entries` : null],
    ['changed', completed ? changed : null],
  ]);
}

/** Only a completed snapshot has sizes: the others show `-`. */
function sizesOf(snapshot: Snapshot): [string, string] {
  if (snapshot.status !== 'completed') return ['-', '-'];
  return [humanBytes(snapshot.sizeBytes), humanBytes(snapshot.changedBytes)];
}

/**
 * `+ path`, `- path` and `~ path` lines in path order, so that a folder's
 * changes read together; undefined when nothing differs.
 */
export function diffLines(diff: SnapshotDiff): string | undefined {
  const lines = [
    ...diff.added.map((path) => ({ mark: '+', path })),
    ...diff.removed.map((path) => ({ mark: '-', path })),
    ...diff.changed.map((path) => ({ mark: '~', path })),
  ].sort((a, b) => compare(a.path, b.path) || compare(a.mark, b.mark));
  if (lines.length === 0) return undefined;
  return lines.map(({ mark, path }) => `${mark} ${path}`).join('\n');
}

// Code-unit order, not the locale's: the same output on every machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Decimal units: the CLI writes binary ones as GiB, so KB here is 1000 B.
const UNITS = ['B', 'KB', 'MB', 'GB'] as const;
const STEP = 1000;

/** `512 B`, `1.2 MB`: one decimal at most, the largest unit below 1000. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // 999.96 KB would round to `1000 KB`: such a value moves up a unit.
  while (value >= STEP - 0.05 && unit < UNITS.length - 1) {
    value /= STEP;
    unit += 1;
  }
  return `${Number(value.toFixed(unit === 0 ? 0 : 1))} ${UNITS[unit]}`;
}
