import { describe, expect, it } from 'vitest';
import {
  type ActivityRecord,
  type IdleSubject,
  judgeIdle,
} from '../../domain/idle/idle-policy.ts';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

const subject: IdleSubject = {
  autoShutdown: true,
  shutdownAfter: '15m',
  idleCpuPercent: 5,
  startedAt: iso(0),
};

const activity = (overrides: Partial<ActivityRecord> = {}): ActivityRecord => ({
  sandboxId: 'sbx-1',
  lastApiAt: null,
  lastBusyAt: null,
  cpuSample: null,
  ...overrides,
});

/** A CPU sample `minutes` in, with `cpuSeconds` used since boot. */
const sample = (minutes: number, cpuSeconds: number) => ({
  at: iso(minutes),
  cpuSeconds,
});

describe('the idle rule', () => {
  it('stops a sandbox nobody used since it started, after shutdownAfter', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ cpuSample: sample(15, 1) }),
      sample: sample(16, 1.1),
      execsInFlight: 0,
      now: at(16),
    });

    expect(verdict).toMatchObject({ busy: false, shouldStop: true });
    expect(verdict.lastActivityAt).toBe(iso(0));
  });

  it('counts from the last use through the API', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ lastApiAt: iso(10), cpuSample: sample(15, 1) }),
      sample: sample(16, 1),
      execsInFlight: 0,
      now: at(16),
    });

    expect(verdict.shouldStop).toBe(false);
    expect(verdict.idleSeconds).toBe(6 * 60);
  });

  it('keeps a silent job that computes running', () => {
    // 30 CPU-seconds in one minute: 50% of a CPU, far over 5%.
    const verdict = judgeIdle({
      subject,
      activity: activity({ cpuSample: sample(59, 100) }),
      sample: sample(60, 130),
      execsInFlight: 0,
      now: at(60),
    });

    expect(verdict.cpuPercent).toBeCloseTo(50);
    expect(verdict).toMatchObject({ busy: true, shouldStop: false });
  });

  it('remembers the last busy check between quiet ones', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ lastBusyAt: iso(50), cpuSample: sample(59, 130) }),
      sample: sample(60, 130.01),
      execsInFlight: 0,
      now: at(60),
    });

    expect(verdict).toMatchObject({ busy: false, shouldStop: false });
    expect(verdict.lastActivityAt).toBe(iso(50));
  });

  it('stops a sandbox whose only process sleeps', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ cpuSample: sample(59, 2) }),
      sample: sample(60, 2.05),
      execsInFlight: 0,
      now: at(60),
    });

    expect(verdict.cpuPercent).toBeLessThan(5);
    expect(verdict.shouldStop).toBe(true);
  });

  it('never stops while an exec is still running, however quiet', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ cpuSample: sample(59, 2) }),
      sample: sample(60, 2),
      execsInFlight: 1,
      now: at(60),
    });

    expect(verdict).toMatchObject({ busy: true, shouldStop: false });
  });

  it('honours a sandbox’s own CPU threshold', () => {
    const input = {
      activity: activity({ cpuSample: sample(59, 0) }),
      sample: sample(60, 1.2), // 2% of a CPU
      execsInFlight: 0,
      now: at(60),
    };

    const strict = judgeIdle({
      ...input,
      subject: { ...subject, idleCpuPercent: 1 },
    });
    const lenient = judgeIdle({ ...input, subject });

    expect(strict.busy).toBe(true);
    expect(lenient.busy).toBe(false);
  });

  it('never stops a sandbox with autoShutdown off', () => {
    const verdict = judgeIdle({
      subject: { ...subject, autoShutdown: false },
      activity: undefined,
      sample: sample(600, 0),
      execsInFlight: 0,
      now: at(600),
    });

    expect(verdict.shouldStop).toBe(false);
  });

  it('reads nothing into a CPU counter that went back', () => {
    const verdict = judgeIdle({
      subject,
      activity: activity({ cpuSample: sample(59, 500) }),
      sample: sample(60, 3),
      execsInFlight: 0,
      now: at(60),
    });

    expect(verdict.cpuPercent).toBeNull();
    expect(verdict.busy).toBe(false);
  });
});
