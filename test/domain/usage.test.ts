import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../domain/errors.ts';
import type {
  RecordedEvent,
  SandboxEvent,
} from '../../domain/sandbox/events.ts';
import { evolveAll } from '../../domain/sandbox/state.ts';
import {
  DEFAULT_PRICES,
  resolveRange,
  usageReport,
} from '../../domain/usage/usage-report.ts';
import { created, started } from '../support/builders.ts';

const record = (events: [string, SandboxEvent][]): RecordedEvent[] =>
  events.map(([at, event], index) => ({ ...event, at, version: index + 1 }));

const stoppedFor = (reason: 'user' | 'idle'): SandboxEvent[] => [
  { type: 'SandboxStopRequested', data: { reason } },
  { type: 'SandboxStopped', data: { reason } },
];
const wake: SandboxEvent = {
  type: 'SandboxStartRequested',
  data: { reason: 'wake' },
};

describe('usage', () => {
  it('counts running time per day, split at midnight', () => {
    const [stopRequested, stopped] = stoppedFor('user');
    const state = evolveAll(
      undefined,
      record([
        ['2026-12-01T22:00:00.000Z', created({ size: 'small' })],
        ['2026-12-01T23:00:00.000Z', started],
        ['2026-12-02T01:00:00.000Z', stopRequested as SandboxEvent],
        ['2026-12-02T01:30:00.000Z', stopped as SandboxEvent],
      ]),
    );

    const report = usageReport({
      sandboxId: 'sbx-1',
      ledger: state?.usage ?? { days: [], running: null, idleStopped: null },
      range: { from: '2026-12-01', to: '2026-12-02' },
      now: new Date('2026-12-03T00:00:00Z'),
      prices: DEFAULT_PRICES,
    });

    expect(report.days.map((d) => d.runningSeconds)).toEqual([3600, 5400]);
    // small: 0.025 an hour, 2.5 hours.
    expect(report.totals.cost).toBeCloseTo(0.0625, 6);
  });

  it('shows what idle shutdown saved until the sandbox woke', () => {
    const [stopRequested, stopped] = stoppedFor('idle');
    const state = evolveAll(
      undefined,
      record([
        ['2026-12-01T08:00:00.000Z', created({ size: 'large' })],
        ['2026-12-01T08:00:01.000Z', started],
        ['2026-12-01T09:00:00.000Z', stopRequested as SandboxEvent],
        ['2026-12-01T09:00:01.000Z', stopped as SandboxEvent],
        ['2026-12-01T13:00:01.000Z', wake],
      ]),
    );
    expect(state?.stoppedReason).toBe('idle');

    const report = usageReport({
      sandboxId: 'sbx-1',
      ledger: state?.usage ?? { days: [], running: null, idleStopped: null },
      range: { from: '2026-12-01', to: '2026-12-01' },
      now: new Date('2026-12-02T00:00:00Z'),
      prices: DEFAULT_PRICES,
    });

    expect(report.days[0]).toMatchObject({
      runningSeconds: 3600,
      idleStoppedSeconds: 4 * 3600,
    });
    // large: 0.10 an hour, four hours not run.
    expect(report.totals.savedCost).toBeCloseTo(0.4, 6);
  });

  it('counts a sandbox still running up to now', () => {
    const state = evolveAll(
      undefined,
      record([
        ['2026-12-03T10:00:00.000Z', created()],
        ['2026-12-03T10:00:00.000Z', started],
      ]),
    );

    const report = usageReport({
      sandboxId: 'sbx-1',
      ledger: state?.usage ?? { days: [], running: null, idleStopped: null },
      range: { from: '2026-12-03', to: '2026-12-03' },
      now: new Date('2026-12-03T10:30:00Z'),
      prices: DEFAULT_PRICES,
    });

    expect(report.totals.runningSeconds).toBe(1800);
  });

  it('defaults to the last 30 days and refuses a backwards range', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    expect(resolveRange({}, now)).toEqual({
      from: '2026-11-04',
      to: '2026-12-03',
    });
    expect(() =>
      resolveRange({ from: '2026-12-03', to: '2026-12-01' }, now),
    ).toThrow(ValidationError);
  });
});
