import { freemem, totalmem } from 'node:os';
import type { AgentMetrics } from '../protocol.ts';
import { CgroupCounters } from './cgroup.ts';
import { DeviceWrites, diskUsage } from './disk.ts';
import { processCpuSeconds } from './process-cpu.ts';

export interface MetricsSources {
  sandboxId: string;
  root: string;
  cgroupRoot: string;
  startedAt: Date;
  /** The shell's view of exec activity. */
  activity: () => { lastExecAt: Date | undefined; activeExecs: number };
}

/**
 * Gathers the readings behind `GET /v1/metrics`: the idle check reads
 * CPU and exec activity, the snapshot scheduler reads bytesWritten to
 * skip sandboxes that wrote nothing since their last snapshot.
 */
export class AgentMetricsCollector {
  private readonly cgroup: CgroupCounters;
  private readonly writes: DeviceWrites;

  constructor(private readonly sources: MetricsSources) {
    this.cgroup = new CgroupCounters(sources.cgroupRoot);
    this.writes = new DeviceWrites(sources.root);
  }

  async collect(): Promise<AgentMetrics> {
    const { sandboxId, root, startedAt } = this.sources;
    const [cpu, memory, disk, written] = await Promise.all([
      this.cpu(),
      this.memory(),
      diskUsage(root),
      this.writes.read().catch(() => undefined),
    ]);
    const { lastExecAt, activeExecs } = this.sources.activity();

    return {
      sandboxId,
      cpuSeconds: cpu.seconds,
      cpuSource: cpu.source,
      memoryBytes: memory.usedBytes,
      memoryLimitBytes: memory.limitBytes,
      memorySource: memory.source,
      diskBytes: disk.usedBytes,
      diskLimitBytes: disk.limitBytes,
      bytesWritten: written?.bytes ?? null,
      bytesWrittenDevice: written?.device ?? null,
      lastExecAt: lastExecAt?.toISOString() ?? null,
      activeExecs,
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  private async cpu() {
    return this.cgroup.cpuSeconds().catch(async () => ({
      seconds: await processCpuSeconds(),
      source: 'process' as const,
    }));
  }

  private async memory() {
    return this.cgroup.memory().catch(() => ({
      usedBytes: totalmem() - freemem(),
      limitBytes: totalmem(),
      source: 'host' as const,
    }));
  }
}
