import type { ActivityRecord, CpuSample } from '../idle/idle-policy.ts';

/**
 * How much a sandbox is used, kept beside its event log rather than in
 * it: an agent may exec every second, and a year of that would swamp the
 * log. Writes are cheap and lossy on purpose (one per sandbox per few
 * seconds is enough to tell idle from busy).
 */
export interface ActivityStore {
  get(sandboxId: string): Promise<ActivityRecord | undefined>;
  /** Records use through the API at `at` (exec, files, start). */
  touch(sandboxId: string, at: string): Promise<void>;
  /** Stores an idle check's CPU sample; `busy` moves `lastBusyAt`. */
  recordSample(
    sandboxId: string,
    sample: CpuSample,
    busy: boolean,
  ): Promise<void>;
  forget(sandboxId: string): Promise<void>;
}
