import type { Clock } from '../../domain/ports/clock.ts';

/**
 * A clock that moves only when told: tests travel in time instead of
 * sleeping. It starts at the real time, so timestamps look ordinary.
 */
export class ManualClock implements Clock {
  private at: number;

  constructor(start: Date = new Date()) {
    this.at = start.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
