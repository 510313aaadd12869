// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import type { SandboxSize } from '../sandbox/sizes.ts';
import { ledgerAsOf, USAGE_DAYS_KEPT, type UsageLedger } from './ledger.ts';

/** Hourly price of a running sandbox, per size. */
export interface PriceList {
  currency: string;
  perHour: Record<SandboxSize, number>;
}

/** Defaults near on-demand EC2 prices of like sizes; set your own. */
export const DEFAULT_PRICES: PriceList = {
  currency: 'USD',
  perHour: { small: 0.025, medium: 0.05, large: 0.1 },
};

export interface UsageReportDay {
  date: string;
  runningSeconds: number;
  cost: number;
  /** Time stopped by idle shutdown, and what running it would have cost. */
  idleStoppedSeconds: number;
  savedCost: number;
}

export interface UsageReport {
  sandboxId: string;
  from: string;
  to: string;
  currency: string;
  pricePerHour: Record<SandboxSize, number>;
  days: UsageReportDay[];
  totals: Omit<UsageReportDay, 'date'>;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const dateSchema = z
  .string()
  .regex(DATE_PATTERN, 'a date such as 2026-12-01')
  // zod runs this even when the pattern failed: let that error speak.
  .refine(
    (date) => !DATE_PATTERN.test(date) || !Number.isNaN(Date.parse(date)),
    'not a real date',
  );

/** `from` and `to` of a usage query: days, both included. */
export const usageRangeSchema = z.object({
  from: dateSchema.optional(),
  to: dateSchema.optional(),
});
export type UsageRange = z.infer<typeof usageRangeSchema>;

const DAY_MS = 86_400_000;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The range asked for, defaulting to the last 30 days up to today. */
export function resolveRange(
  range: UsageRange,
  now: Date,
): { from: string; to: string } {
  const to = range.to ?? day(now.getTime());
  const from = range.from ?? day(Date.parse(to) - 29 * DAY_MS);

  if (from > to) {
    throw new ValidationError('from is after to', [
      { field: 'query.from', message: `must be on or before ${to}` },
    ]);
  }
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > USAGE_DAYS_KEPT) {
    throw new ValidationError('the range is too long', [
      {
        field: 'query.from',
        message: `at most ${USAGE_DAYS_KEPT} days before to`,
      },
    ]);
  }
  return { from, to };
}

/** Running time and cost per day, with what idle shutdown saved. */
export function usageReport(input: {
  sandboxId: string;
  ledger: UsageLedger;
  range: { from: string; to: string };
  now: Date;
  prices: PriceList;
}): UsageReport {
  const { ledger, range, now, prices } = input;
  const buckets = ledgerAsOf(ledger, now.toISOString());

  const days: UsageReportDay[] = [];
  for (
    let at = Date.parse(range.from);
    at <= Date.parse(range.to);
    at += DAY_MS
  ) {
    const date = day(at);
    const ofDay = buckets.filter((b) => b.day === date);
    const price = (size: SandboxSize) => prices.perHour[size] / 3600;
    days.push({
      date,
      runningSeconds: round(sumOf(ofDay, (b) => b.runningSeconds)),
      cost: money(sumOf(ofDay, (b) => b.runningSeconds * price(b.size))),
      idleStoppedSeconds: round(sumOf(ofDay, (b) => b.idleStoppedSeconds)),
      savedCost: money(
        sumOf(ofDay, (b) => b.idleStoppedSeconds * price(b.size)),
      ),
    });
  }

  return {
    sandboxId: input.sandboxId,
    ...range,
    currency: prices.currency,
    pricePerHour: prices.perHour,
    days,
    totals: {
      runningSeconds: round(sumOf(days, (d) => d.runningSeconds)),
      cost: money(sumOf(days, (d) => d.cost)),
      idleStoppedSeconds: round(sumOf(days, (d) => d.idleStoppedSeconds)),
      savedCost: money(sumOf(days, (d) => d.savedCost)),
    },
  };
}

const sumOf = <T>(items: readonly T[], pick: (item: T) => number) =>
  items.reduce((total, item) => total + pick(item), 0);

const round = (seconds: number) => Math.round(seconds);
const money = (amount: number) => Math.round(amount * 1e6) / 1e6;
