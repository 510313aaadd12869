// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

const DURATION_PATTERN = /^([1-9][0-9]{0,5})([smhd])$/;

/** Seconds in a duration such as `90s`, `15m`, `1h` or `7d`. */
export function durationSeconds(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);

  const [, amount, unit] = match;
  return Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
}

/** Any duration, such as `90s`, `15m`, `1h` or `7d`. */
export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'a duration such as 15m, 1h or 7d');

/** Idle shutdown windows: from one minute up to a week. */
export const shutdownAfterSchema = z
  .string()
  .regex(DURATION_PATTERN, 'a duration such as 15m, 30m, 1h or 1d')
  .refine(
    (text) => {
      // zod runs this even when the pattern failed: let that error speak.
      if (!DURATION_PATTERN.test(text)) return true;
      const seconds = durationSeconds(text);
      return seconds >= 60 && seconds <= 7 * 86_400;
    },
    { message: 'between 1m and 7d' },
  );
