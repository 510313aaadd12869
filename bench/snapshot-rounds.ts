import { performance } from 'node:perf_hooks';
import { flushDisk } from './snapshot-baselines.ts';
import { type Summary, summarize } from './stats.ts';

/** A summary plus the fastest sample: the least disturbed one. */
export type Measured = Summary & { best: number };

const measured = (samples: number[]): Measured => ({
  ...summarize(samples),
  best: Math.min(...samples),
});

/** One thing measured per round, with untimed work after it. */
export interface Step {
  run: (round: number) => Promise<unknown>;
  after?: (round: number) => Promise<unknown>;
}

/** Milliseconds `work` took, started with no dirty pages to flush. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  await flushDisk();
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Each step timed once, in order, summarized as one sample each. */
export async function once<K extends string>(
  steps: Record<K, () => Promise<unknown>>,
): Promise<Record<K, Measured>> {
  const summaries = {} as Record<K, Measured>;
  for (const name of Object.keys(steps) as K[]) {
    summaries[name] = measured([await timed(steps[name])]);
  }
  return summaries;
}

/**
 * Rounds 1..`count`: `prepare` (untimed), then every step once, in an
 * order rotated each round so that neither noise nor a warm cache always
 * favours the same one.
 */
export async function rotatedRounds<K extends string>(
  count: number,
  prepare: (round: number) => unknown,
  steps: Record<K, Step>,
): Promise<Record<K, Measured>> {
  const names = Object.keys(steps) as K[];
  const samples = new Map<K, number[]>(names.map((name) => [name, []]));

  for (let round = 1; round <= count; round++) {
    await prepare(round);
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(offset + round) % names.length] as K;
      const step = steps[name];
      samples.get(name)?.push(await timed(() => step.run(round)));
      await step.after?.(round);
    }
  }

  const summaries = {} as Record<K, Measured>;
  for (const name of names) summaries[name] = measured(samples.get(name) ?? []);
  return summaries;
}
