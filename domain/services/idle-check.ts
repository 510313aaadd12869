import { judgeIdle } from '../idle/idle-policy.ts';
import type { ActivityStore } from '../ports/activity-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import type { SandboxViews } from '../ports/sandbox-views.ts';
import type { SandboxSummary } from '../sandbox/summary.ts';
import type { SandboxCommandHandler } from './command-handler.ts';

export interface IdleCheckReport {
  checked: number;
  busy: number;
  /** Sandboxes asked to stop as idle. */
  stopped: string[];
}

/**
 * The idle check, every minute: samples each running sandbox's CPU,
 * marks it busy above its threshold, and asks an idle one to stop with
 * reason `idle`. The stop itself snapshots what changed first, so
 * nothing written before it is lost.
 */
export class IdleCheck {
  constructor(
    private readonly parts: {
      views: Pick<SandboxViews, 'active'>;
      runtime: Pick<SandboxRuntime, 'usage'>;
      activity: ActivityStore;
      handler: Pick<SandboxCommandHandler, 'execute'>;
      clock: Clock;
      log: Log;
    },
  ) {}

  async run(): Promise<IdleCheckReport> {
    const report: IdleCheckReport = { checked: 0, busy: 0, stopped: [] };
    for await (const sandbox of this.parts.views.active()) {
      if (sandbox.status !== 'running' || sandbox.restoring) continue;
      try {
        await this.check(sandbox, report);
      } catch (error) {
        this.parts.log.error('idle check failed', {
          sandboxId: sandbox.id,
          error,
        });
      }
    }
    return report;
  }

  private async check(
    sandbox: SandboxSummary,
    report: IdleCheckReport,
  ): Promise<void> {
    const { runtime, activity, handler, clock, log } = this.parts;
    const usage = await runtime.usage(sandbox.id);
    if (!usage.running) return;

    const now = clock.now();
    const sample = { at: now.toISOString(), cpuSeconds: usage.cpuSeconds };
    const verdict = judgeIdle({
      subject: sandbox,
      activity: await activity.get(sandbox.id),
      sample,
      execsInFlight: usage.execsInFlight,
      now,
    });
    await activity.recordSample(sandbox.id, sample, verdict.busy);
    report.checked++;
    if (verdict.busy) report.busy++;
    if (!verdict.shouldStop) return;

    log.info('sandbox idle: stopping', {
      sandboxId: sandbox.id,
      idleSeconds: Math.round(verdict.idleSeconds),
      lastActivityAt: verdict.lastActivityAt,
    });
    await handler.execute(sandbox.id, {
      type: 'StopSandbox',
      data: { reason: 'idle' },
    });
    report.stopped.push(sandbox.id);
  }
}
