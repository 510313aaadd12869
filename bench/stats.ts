import { performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), mean };
}

/** Milliseconds each call of `fn` took, `n` times in a row. */
export async function timeEach(
  n: number,
  fn: (index: number) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < n; index++) {
    const start = performance.now();
    await fn(index);
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Runs two measurements in alternating rounds so that a noisy neighbour
 * hurts both alike; the ratio between them is what the report trusts.
 */
export async function interleave(
  rounds: number,
  perRound: number,
  a: (index: number) => Promise<unknown>,
  b: (index: number) => Promise<unknown>,
): Promise<[number[], number[]]> {
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const offset = round * perRound;
    samplesA.push(...(await timeEach(perRound, (i) => a(offset + i))));
    samplesB.push(...(await timeEach(perRound, (i) => b(offset + i))));
  }
  return [samplesA, samplesB];
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

export function row(label: string, summary: Summary, baseline?: Summary) {
  const ratio = baseline ? ` ${(summary.p50 / baseline.p50).toFixed(2)}x` : '';
  return (
    `${label.padEnd(34)} n=${String(summary.n).padStart(5)}  ` +
    `p50 ${ms(summary.p50).padStart(10)}  p99 ${ms(summary.p99).padStart(10)}` +
    `${ratio ? `  ratio${ratio}` : ''}`
  );
}
