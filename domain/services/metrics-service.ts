import { judgeIdle } from '../idle/idle-policy.ts';
import type { ActivityStore } from '../ports/activity-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import { durationSeconds } from '../sandbox/duration.ts';
import { SANDBOX_SIZES } from '../sandbox/sizes.ts';
import type { SandboxStatus } from '../sandbox/state.ts';
import { newestCompleted } from '../snapshots/snapshot.ts';
import {
  type PriceList,
  resolveRange,
  type UsageRange,
  type UsageReport,
  usageReport,
} from '../usage/usage-report.ts';
import type { SandboxService } from './sandbox-service.ts';

export interface SandboxMetrics {
  status: SandboxStatus;
  /** Average since the last idle check (or over a short sample). */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  diskBytes: number;
  diskLimitBytes: number;
  lastActivityAt: string | null;
  /** When idle shutdown stops it if it stays idle; null when it won't. */
  idleShutdownAt: string | null;
  lastSnapshotAt: string | null;
  snapshotAgeSeconds: number | null;
}

/** A fresh CPU sample is taken when the idle check's is older than this. */
const SAMPLE_MAX_AGE_MS = 5 * 60_000;
const SHORT_SAMPLE_MS = 250;

/** Reading metrics and usage: never counts as use of the sandbox. */
export class MetricsService {
  constructor(
    private readonly parts: {
      sandboxes: Pick<SandboxService, 'get'>;
      runtime: Pick<SandboxRuntime, 'usage'>;
      activity: Pick<ActivityStore, 'get'>;
      clock: Clock;
      sleep(ms: number): Promise<void>;
      prices: PriceList;
    },
  ) {}

  async metrics(tenantId: string, sandboxId: string): Promise<SandboxMetrics> {
    const { sandboxes, runtime, activity, clock } = this.parts;
    const sandbox = await sandboxes.get(tenantId, sandboxId);
    const usage = await runtime.usage(sandboxId);
    const record = await activity.get(sandboxId);
    const now = clock.now();

    const running = usage.running && sandbox.status === 'running';
    const previous = await this.previousSample(sandboxId, record?.cpuSample);
    const verdict = judgeIdle({
      subject: sandbox,
      activity: record && { ...record, cpuSample: previous },
      sample: { at: now.toISOString(), cpuSeconds: usage.cpuSeconds },
      execsInFlight: usage.execsInFlight,
      now,
    });
    const resources = SANDBOX_SIZES[sandbox.size];
    const newest = newestCompleted(sandbox.snapshots);
    const shutdownAt =
      Date.parse(verdict.lastActivityAt) +
      durationSeconds(sandbox.shutdownAfter) * 1000;

    return {
      status: sandbox.status,
      cpuPercent: running ? round(verdict.cpuPercent ?? 0) : 0,
      memoryBytes: running ? usage.memoryBytes : 0,
      memoryLimitBytes: resources.memoryBytes,
      diskBytes: usage.diskBytes,
      diskLimitBytes: resources.diskBytes,
      lastActivityAt: running
        ? verdict.lastActivityAt
        : (record?.lastApiAt ?? null),
      idleShutdownAt:
        running && sandbox.autoShutdown
          ? new Date(shutdownAt).toISOString()
          : null,
      lastSnapshotAt: newest?.createdAt ?? null,
      snapshotAgeSeconds: newest
        ? Math.round((now.getTime() - Date.parse(newest.createdAt)) / 1000)
        : null,
    };
  }

  async usage(
    tenantId: string,
    sandboxId: string,
    range: UsageRange,
  ): Promise<UsageReport> {
    const sandbox = await this.parts.sandboxes.get(tenantId, sandboxId);
    const now = this.parts.clock.now();
    return usageReport({
      sandboxId,
      ledger: sandbox.usage,
      range: resolveRange(range, now),
      now,
      prices: this.parts.prices,
    });
  }

  /** The idle check's sample if recent, else one taken a moment ago. */
  private async previousSample(
    sandboxId: string,
    stored: { at: string; cpuSeconds: number } | null | undefined,
  ) {
    const now = this.parts.clock.now().getTime();
    if (stored && now - Date.parse(stored.at) < SAMPLE_MAX_AGE_MS) {
      return stored;
    }
    const first = await this.parts.runtime.usage(sandboxId);
    const at = this.parts.clock.now().toISOString();
    await this.parts.sleep(SHORT_SAMPLE_MS);
    return { at, cpuSeconds: first.cpuSeconds };
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
