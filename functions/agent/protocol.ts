// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';

/** The agent's HTTP protocol: paths are `/v1/...` under its base URL. */
export const AGENT_PROTOCOL = 'v1';

/** The port the agent listens on in every sandbox task. */
export const DEFAULT_AGENT_PORT = 7070;

/** Where a reading came from, so the platform knows how far to trust it. */
export const cpuSourceSchema = z.enum(['cgroup-v2', 'cgroup-v1', 'process']);
export const memorySourceSchema = z.enum(['cgroup-v2', 'cgroup-v1', 'host']);

export const agentMetricsSchema = z.object({
  sandboxId: z.string(),
  /** CPU time of the agent's cgroup, or of the agent and its children. */
  cpuSeconds: z.number(),
  cpuSource: cpuSourceSchema,
  /** Working set: usage less inactive page cache. */
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  memorySource: memorySourceSchema,
  /** Used and total bytes of the file system that holds the root. */
  diskBytes: z.number(),
  diskLimitBytes: z.number(),
  /**
   * Bytes written to the root's block device since it was attached, or
   * null where the device has no readable statistics (tmpfs, overlay):
   * the platform must then treat the sandbox as changed.
   */
  bytesWritten: z.number().nullable(),
  /** The block device behind the root, e.g. `nvme1n1`, or null. */
  bytesWrittenDevice: z.string().nullable(),
  /** When an exec last started or ended, or null if none ran. */
  lastExecAt: z.string().nullable(),
  /** Execs running now: a sandbox in the middle of one is not idle. */
  activeExecs: z.number(),
  /** Counters restart with the agent: compare readings of one start. */
  startedAt: z.string(),
  uptimeSeconds: z.number(),
});
export type AgentMetrics = z.infer<typeof agentMetricsSchema>;

export const agentHealthSchema = z.object({
  ok: z.boolean(),
  sandboxId: z.string(),
  version: z.string(),
  protocol: z.string(),
});
export type AgentHealth = z.infer<typeof agentHealthSchema>;

/** The agent's base URL in a task with this private IPv4 or IPv6 address. */
export function agentBaseUrl(address: string, port = DEFAULT_AGENT_PORT) {
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}
