// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';
import { durationSeconds } from '../sandbox/duration.ts';

/**
 * Percent of one CPU above which a sandbox counts as busy. Low enough
 * that a compiler, a training loop or a crawler is busy; high enough
 * that an idle shell, a sleeping job or a quiet language server is not.
 */
export const DEFAULT_IDLE_CPU_PERCENT = 5;

export const idleCpuPercentSchema = z.number().min(0.1).max(1600);

/** What the platform knows of a sandbox's use, kept outside its log. */
export interface ActivityRecord {
  sandboxId: string;
  /** The last exec, file operation, start or restart through the API. */
  lastApiAt: string | null;
  /** The last idle check that found its processes busy. */
  lastBusyAt: string | null;
  /** The CPU counter at the last idle check, to average between checks. */
  cpuSample: CpuSample | null;
}

export interface CpuSample {
  at: string;
  /** CPU time every process of the sandbox has used, cumulative. */
  cpuSeconds: number;
}

/** The settings and facts the idle rule reads from the sandbox. */
export interface IdleSubject {
  autoShutdown: boolean;
  shutdownAfter: string;
  idleCpuPercent: number;
  /** When it last became running. */
  startedAt: string | null;
}

export interface IdleVerdict {
  /** Average CPU since the previous sample; null on the first sample. */
  cpuPercent: number | null;
  busy: boolean;
  lastActivityAt: string;
  idleSeconds: number;
  /** Idle for its whole `shutdownAfter`, and allowed to shut down. */
  shouldStop: boolean;
}

/** Average CPU use between two samples, as percent of one CPU. */
export function cpuPercentBetween(
  previous: CpuSample | null,
  current: CpuSample,
): number | null {
  if (!previous) return null;

  const seconds = (Date.parse(current.at) - Date.parse(previous.at)) / 1000;
  if (seconds <= 0) return null;
  // A counter that went back (a reboot of the sandbox) tells nothing.
  const used = current.cpuSeconds - previous.cpuSeconds;
  if (used < 0) return null;
  return (used / seconds) * 100;
}

/**
 * The idle rule. Idle means: no use through the API, no exec still
 * running, and no CPU use above the threshold, for `shutdownAfter`. A
 * long job that computes without a word is busy, so it is never stopped.
 */
export function judgeIdle(input: {
  subject: IdleSubject;
  activity: ActivityRecord | undefined;
  sample: CpuSample;
  execsInFlight: number;
  now: Date;
}): IdleVerdict {
  const { subject, activity, sample, execsInFlight, now } = input;
  const cpuPercent = cpuPercentBetween(activity?.cpuSample ?? null, sample);
  const busy =
    execsInFlight > 0 ||
    (cpuPercent !== null && cpuPercent >= subject.idleCpuPercent);

  const moments = [
    subject.startedAt,
    activity?.lastApiAt,
    activity?.lastBusyAt,
    busy ? now.toISOString() : null,
  ].filter((at): at is string => typeof at === 'string');
  // ISO-8601 times in UTC sort as strings.
  const lastActivityAt = moments.sort().at(-1) ?? new Date(0).toISOString();

  const idleSeconds = Math.max(
    0,
    (now.getTime() - Date.parse(lastActivityAt)) / 1000,
  );
  const shouldStop =
    subject.autoShutdown &&
    idleSeconds >= durationSeconds(subject.shutdownAfter);
  return { cpuPercent, busy, lastActivityAt, idleSeconds, shouldStop };
}
