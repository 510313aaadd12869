import { IllegalStateError } from '../../../domain/errors.ts';
import { agentBaseUrl } from '../../agent/protocol.ts';
import { AgentClient } from './agent-client.ts';
import type { AgentTokens } from './agent-tokens.ts';
import type { EcsTaskRunner, TaskDescription } from './ecs-task-runner.ts';

/** Where a task's agent answers: its private IP on the agent port. */
export type AgentUrlOf = (task: {
  sandboxId: string;
  taskArn: string;
  description: TaskDescription;
}) => string | Promise<string>;

interface Known {
  taskArn: string;
  client: AgentClient;
}

/**
 * Finds the agent of a sandbox's running task and talks to it with the
 * sandbox's own token. What it found is kept for the life of the
 * process (a Lambda's warm container), and looked up again with one
 * ListTasks when it is not known or went away.
 */
export class SandboxAgents {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly runner: EcsTaskRunner,
    private readonly tokens: AgentTokens,
    private readonly options: {
      agentPort: number;
      agentUrlOf?: AgentUrlOf;
      fetch?: typeof fetch;
    },
  ) {}

  /** The agent of the task, once that task runs. */
  async connect(
    sandboxId: string,
    taskArn: string,
    description: TaskDescription,
  ): Promise<AgentClient> {
    const baseUrl = await this.urlOf({ sandboxId, taskArn, description });
    const client = new AgentClient({
      baseUrl,
      token: await this.tokens.tokenOf(sandboxId),
      fetch: this.options.fetch,
    });
    this.known.set(sandboxId, { taskArn, client });
    return client;
  }

  /** The agent of the sandbox's running task; an error if none runs. */
  async clientOf(sandboxId: string): Promise<AgentClient> {
    const agent = await this.find(sandboxId);
    if (!agent) {
      throw new IllegalStateError(`sandbox ${sandboxId} is not running`);
    }
    return agent.client;
  }

  /** The running task and its agent, or undefined when none runs. */
  async find(sandboxId: string): Promise<Known | undefined> {
    const cached = this.known.get(sandboxId);
    if (cached) return cached;

    const taskArn = (await this.runner.runningTasks(sandboxId)).at(-1);
    if (!taskArn) return undefined;
    const description = await this.runner.describe(taskArn);
    if (description.lastStatus !== 'RUNNING') return undefined;
    await this.connect(sandboxId, taskArn, description);
    return this.known.get(sandboxId);
  }

  forget(sandboxId: string): void {
    this.known.delete(sandboxId);
  }

  private urlOf(task: Parameters<AgentUrlOf>[0]): string | Promise<string> {
    if (this.options.agentUrlOf) return this.options.agentUrlOf(task);
    const ip = task.description.privateIp;
    if (!ip) {
      throw new IllegalStateError(
        `task ${task.taskArn} of ${task.sandboxId} has no private IP yet`,
      );
    }
    return agentBaseUrl(ip, this.options.agentPort);
  }
}
