import { IllegalStateError } from '../../../domain/errors.ts';
import type { Log } from '../../../domain/ports/log.ts';
import type {
  ExecRequest,
  ExecResult,
  SandboxRuntime,
  SandboxSpec,
  SandboxUsage,
} from '../../../domain/ports/sandbox-runtime.ts';
import type { Isolation } from '../../../domain/sandbox/isolation.ts';
import type { AgentClient } from './agent-client.ts';
import { AgentFiles } from './agent-files.ts';
import type { AgentTokens } from './agent-tokens.ts';
import type { EcsTaskRunner } from './ecs-task-runner.ts';
import type { SandboxAgents } from './sandbox-agents.ts';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** How long the steps of a start and a stop may take before failing. */
export interface EcsWaits {
  /** RunTask to RUNNING: image pull, volume from snapshot, placement. */
  runningMs: number;
  /** StopTask to STOPPED: SIGTERM, the stop timeout, detaching. */
  stoppedMs: number;
  /** RUNNING to the agent answering healthz. */
  healthyMs: number;
  pollMs: number;
}

export const DEFAULT_ECS_WAITS: EcsWaits = {
  runningMs: 5 * 60_000,
  stoppedMs: 3 * 60_000,
  healthyMs: 60_000,
  pollMs: 2_000,
};

/** What an ECS task with its own volume and cgroup enforces. */
export const ECS_ISOLATION: Isolation = {
  mode: 'ecs-task',
  namespaces: ['mount', 'pid', 'ipc', 'uts', 'network'],
  cpu: 'enforced',
  memory: 'enforced',
  disk: 'enforced',
  cgroup: 'none',
  warnings: [
    'commands run in a chroot of the sandbox volume inside the task: ' +
      '/proc and /sys are not mounted there (see functions/agent/README.md)',
  ],
};

/**
 * Sandboxes as ECS tasks, each with one managed EBS volume restored from
 * the snapshot that holds its disk. Start waits for RUNNING and for the
 * agent to answer; stop waits for STOPPED, keeping the volume until a
 * snapshot holds it (discardDisk). Exec and files go to the task's agent.
 */
export class EcsSandboxRuntime implements SandboxRuntime {
  readonly hostIsolation = ECS_ISOLATION;
  /** `host` names the platform's sandbox image on AWS (Debian 12). */
  readonly images = ['host'];
  readonly files: AgentFiles;

  constructor(
    private readonly runner: EcsTaskRunner,
    private readonly agents: SandboxAgents,
    private readonly tokens: AgentTokens,
    private readonly log: Log,
    private readonly waits: EcsWaits = DEFAULT_ECS_WAITS,
  ) {
    this.files = new AgentFiles((sandboxId) => this.agents.clientOf(sandboxId));
  }

  async start(spec: SandboxSpec): Promise<Isolation> {
    const { resources } = spec;
    const { taskArn } = await this.runner.run({
      sandboxId: spec.id,
      tenantId: spec.tenantId,
      startCount: spec.startToken,
      sizeGiB: Math.ceil(resources.diskBytes / GIB),
      fromProviderSnapshotId: spec.bootSnapshot?.providerId ?? undefined,
      cpus: resources.cpus,
      memoryMiB: Math.floor(resources.memoryBytes / MIB),
      env: {
        AUTERYN_SANDBOX_ID: spec.id,
        AUTERYN_AGENT_TOKEN: await this.tokens.tokenOf(spec.id),
      },
    });
    this.log.info('sandbox task started', { sandboxId: spec.id, taskArn });

    const description = await this.runner.waitFor(taskArn, 'RUNNING', {
      timeoutMs: this.waits.runningMs,
      pollMs: this.waits.pollMs,
    });
    const agent = await this.agents.connect(spec.id, taskArn, description);
    await this.untilHealthy(spec.id, agent);
    return ECS_ISOLATION;
  }

  async stop(sandboxId: string): Promise<void> {
    this.agents.forget(sandboxId);
    for (const taskArn of await this.runner.runningTasks(sandboxId)) {
      await this.runner.stop(taskArn, 'auteryn: sandbox stopped');
      await this.runner.waitFor(taskArn, 'STOPPED', {
        timeoutMs: this.waits.stoppedMs,
        pollMs: this.waits.pollMs,
      });
    }
  }

  async destroy(sandboxId: string): Promise<void> {
    await this.stop(sandboxId);
    await this.discardDisk(sandboxId);
  }

  /** Deletes the sandbox's detached volumes (a snapshot holds them). */
  async discardDisk(sandboxId: string): Promise<void> {
    for (;;) {
      const volumeId = await this.runner.findVolume(sandboxId);
      if (!volumeId) return;
      await this.runner.deleteVolume(volumeId);
      this.log.info('sandbox volume deleted', { sandboxId, volumeId });
    }
  }

  async isRunning(sandboxId: string): Promise<boolean> {
    return (await this.agents.find(sandboxId)) !== undefined;
  }

  async exec(sandboxId: string, request: ExecRequest): Promise<ExecResult> {
    return (await this.agents.clientOf(sandboxId)).exec(request);
  }

  async usage(sandboxId: string): Promise<SandboxUsage> {
    const agent = await this.agents.find(sandboxId);
    if (!agent) {
      return {
        running: false,
        cpuSeconds: 0,
        memoryBytes: 0,
        diskBytes: 0,
        execsInFlight: 0,
      };
    }
    const metrics = await agent.client.metrics();
    return {
      running: true,
      cpuSeconds: metrics.cpuSeconds,
      memoryBytes: metrics.memoryBytes,
      diskBytes: metrics.diskBytes,
      execsInFlight: metrics.activeExecs,
    };
  }

  /**
   * What the agent says was written to the volume since it booted; null
   * when it cannot tell (the store then treats the sandbox as changed).
   */
  async writeMark(
    sandboxId: string,
  ): Promise<{ bytesWritten: number | null; since: string } | undefined> {
    const agent = await this.agents.find(sandboxId);
    if (!agent) return undefined;
    const metrics = await agent.client.metrics();
    return { bytesWritten: metrics.bytesWritten, since: metrics.startedAt };
  }

  async close(): Promise<void> {
    // Tasks outlive the function that started them: nothing to end here.
  }

  private async untilHealthy(sandboxId: string, agent: AgentClient) {
    const deadline = Date.now() + this.waits.healthyMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const health = await agent.healthz();
        if (health.ok && health.sandboxId === sandboxId) return;
        lastError = new Error(`agent answers for ${health.sandboxId}`);
      } catch (error) {
        lastError = error;
      }
      await new Promise((done) => setTimeout(done, this.waits.pollMs));
    }
    throw new IllegalStateError(
      `the agent of ${sandboxId} did not become healthy within ` +
        `${this.waits.healthyMs} ms: ${String(lastError)}`,
    );
  }
}
