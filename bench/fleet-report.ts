import {
  EC2_CREATE_SNAPSHOT_LIMIT,
  schedulerLimit,
} from '../domain/scheduler/token-bucket.ts';
import { HOUR, MINUTE, STORM, TICK_BUDGET } from './fleet-world.ts';

/** What one strategy did in one simulated hour. */
export interface HourFigures {
  /** Dirty sandboxes at each tick of the hour: the demand. */
  demand: number[];
  calls: number;
  throttles: number;
  cleanCalls: number;
  ages: number[];
}

export function quantiles(ages: number[]) {
  if (ages.length === 0) return { max: 0, p99: 0 };
  const sorted = Float64Array.from(ages).sort();
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
  return { max: sorted[sorted.length - 1] ?? 0, p99: at(0.99) };
}

export const minutes = (ms: number) =>
  `${(ms / MINUTE).toFixed(1)}m`.padStart(7);
export const num = (n: number) => String(n).padStart(7);

export const sum = (
  hours: HourFigures[],
  key: 'calls' | 'throttles' | 'cleanCalls',
) => hours.reduce((total, hour) => total + hour[key], 0);

export const ratio = (a: number, b: number) =>
  b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;

export const average = (values: number[]) =>
  Math.round(values.reduce((a, b) => a + b, 0) / (values.length || 1));

/** What the scheduler can issue in one slot: burst plus refill. */
export const BUDGET = Math.floor(
  schedulerLimit(EC2_CREATE_SNAPSHOT_LIMIT).capacity +
    (schedulerLimit(EC2_CREATE_SNAPSHOT_LIMIT).refillPerSecond * TICK_BUDGET) /
      1000,
);

/**
 * The hours by what the scheduler faced: steady (demand within its budget
 * this hour and the one before), overload (over it, or recovering from
 * it), and the throttle storm.
 */
export function classify(reference: HourFigures[]) {
  const stormHour = STORM.from / HOUR;
  const over = (hour: number) =>
    average(reference[hour]?.demand ?? []) > BUDGET;
  return (hour: number): 'steady' | 'overload' | 'storm' => {
    if (hour === stormHour) return 'storm';
    return over(hour) || (hour > 0 && over(hour - 1)) ? 'overload' : 'steady';
  };
}

export function totals(
  label: string,
  hours: HourFigures[],
  kindOf: ReturnType<typeof classify>,
): string[] {
  const ages = (kind: string) => {
    const of = hours.filter((_, hour) => kindOf(hour) === kind);
    if (of.length === 0) return 'none this day';
    const q = quantiles(of.flatMap((h) => h.ages));
    return `p99 ${minutes(q.p99).trim()}, max ${minutes(q.max).trim()}`;
  };
  return [
    `${label.padEnd(9)} day: ${sum(hours, 'calls')} calls, ` +
      `${sum(hours, 'throttles')} throttled, ${sum(hours, 'cleanCalls')} ` +
      'for clean sandboxes',
    `${''.padEnd(9)} steady hours: ${ages('steady')}; overload: ` +
      `${ages('overload')}; storm: ${ages('storm')}`,
  ];
}
