import { expect } from 'vitest';
import type { SandboxCommand } from '../../domain/sandbox/commands.ts';
import { decide } from '../../domain/sandbox/decide.ts';
import type {
  RecordedEvent,
  SandboxEvent,
} from '../../domain/sandbox/events.ts';
import { evolveAll } from '../../domain/sandbox/state.ts';

const AT = '2026-12-03T10:00:00.000Z';

/** Numbers and dates events as a stream would. */
export const recorded = (events: SandboxEvent[]): RecordedEvent[] =>
  events.map((event, index) => ({ ...event, version: index + 1, at: AT }));

/**
 * given(events).when(command).thenEvents(events) — or .thenFails(Error, text):
 * the shape every decider test takes.
 */
export function given(...history: SandboxEvent[]) {
  const state = evolveAll(undefined, recorded(history));
  return {
    when(command: SandboxCommand) {
      const run = () => decide(command, state);
      return {
        thenEvents(expected: SandboxEvent[]) {
          expect(run()).toEqual(expected);
        },
        thenFails(kind: new (...args: never[]) => Error, text: string) {
          expect(run).toThrow(kind);
          expect(run).toThrow(text);
        },
      };
    },
  };
}
