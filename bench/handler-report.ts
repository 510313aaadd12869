import {
  BUNDLE_BUDGET_BYTES,
  type HandlerBundle,
  type HandlerName,
} from './handler-bundle.ts';
import type { ProcessRun } from './handler-process.ts';
import { summarize } from './stats.ts';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (value: number) => `${value.toFixed(1)}`;
const ratio = (value: number, floor: number) =>
  `${(value / floor).toFixed(2)}x`;

/** One handler's two bundles: as deployed, and with the SDK inside. */
export interface SizedHandler {
  name: HandlerName;
  lean: HandlerBundle;
  withSdk: HandlerBundle;
}

/** The size table, and the handlers over budget (empty when none is). */
export function sizeReport(
  handlers: SizedHandler[],
  baseline: HandlerBundle,
): { lines: string[]; over: string[] } {
  const cols = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(20) : cell.padStart(11)));
  const lines = [
    `bundle sizes (kB = 1000 bytes; budget: under ${kb(BUNDLE_BUDGET_BYTES)} minified)`,
    cols(['', 'minified', 'gzip', 'source map', 'SDK bundled', 'its gzip'])
      .join(' ')
      .trimEnd(),
    cols([
      'trivial (baseline)',
      kb(baseline.bytes),
      kb(baseline.gzipBytes),
      kb(baseline.mapBytes),
    ]).join(' '),
  ];
  for (const { name, lean, withSdk } of handlers) {
    lines.push(
      cols([
        name,
        kb(lean.bytes),
        kb(lean.gzipBytes),
        kb(lean.mapBytes),
        kb(withSdk.bytes),
        kb(withSdk.gzipBytes),
      ]).join(' '),
    );
  }
  lines.push(
    '(as deployed: @aws-sdk/client-* external, loaded from the runtime;',
    ' "SDK bundled": the same build with externalModules [], for contrast)',
    ...externalsReport(handlers),
  );

  const over = handlers
    .filter(({ lean }) => lean.bytes >= BUNDLE_BUDGET_BYTES)
    .map(({ name, lean }) => `${name} (${kb(lean.bytes)})`);
  return { lines, over };
}

/** Which packages each handler leaves to the runtime, grouped. */
function externalsReport(handlers: SizedHandler[]): string[] {
  const byList = new Map<string, string[]>();
  for (const { name, lean } of handlers) {
    const list = lean.externals
      .map((p) => p.replace('@aws-sdk/', ''))
      .join(', ');
    byList.set(list, [...(byList.get(list) ?? []), name]);
  }
  return [...byList].map(([list, names]) => {
    const who = names.length === handlers.length ? 'all' : names.join(', ');
    return `left to the runtime (${who}): ${list || 'nothing'}`;
  });
}

/**
 * p50 per handler of each phase of a cold start, each against the
 * trivial handler's p50 of the same phase, measured in the same rounds.
 */
export function coldReport(
  runs: Map<string, ProcessRun[]>,
  baselineLabel: string,
): string[] {
  const p50 = (label: string, pick: (run: ProcessRun) => number) =>
    summarize((runs.get(label) ?? []).map(pick)).p50;
  const coldOf = (run: ProcessRun) => run.importMs + run.firstInvokeMs;
  const floor = {
    importMs: p50(baselineLabel, (run) => run.importMs),
    cold: p50(baselineLabel, coldOf),
  };

  const cols = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(30) : cell.padStart(8)));
  const lines = [
    cols([
      'ms, p50',
      'boot',
      'import',
      'ratio',
      '1st call',
      'warm',
      'imp+1st',
      'ratio',
      'process',
    ])
      .join(' ')
      .trimEnd(),
  ];
  for (const [label, samples] of runs) {
    const importMs = p50(label, (run) => run.importMs);
    const cold = p50(label, coldOf);
    lines.push(
      cols([
        label,
        ms(p50(label, (run) => run.bootMs)),
        ms(importMs),
        ratio(importMs, floor.importMs),
        ms(p50(label, (run) => run.firstInvokeMs)),
        ms(p50(label, (run) => run.warmInvokeMs)),
        ms(cold),
        ratio(cold, floor.cold),
        ms(p50(label, (run) => run.wallMs)),
        ` n=${samples.length}`,
      ]).join(' '),
    );
  }
  lines.push(
    '(boot: node until the measuring program runs; import: the bundle;',
    ' 1st call: the first invocation, which builds the platform and its SDK',
    ' clients; warm: a second call in the same process; imp+1st: the cold',
    ' init; process: spawn to exit, as the parent saw it; ratios against',
    ' the trivial handler of the same rounds; SDK clients only: a handler',
    ' that imports just the clients the handlers leave out, left out too;',
    ' "SDK bundled": the contrast build, which loads nothing from',
    ' node_modules)',
  );
  return lines;
}
