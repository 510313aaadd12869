import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxResources } from '../../../domain/sandbox/sizes.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';
const CPU_PERIOD_MICROS = 100_000;
/** Generous for builds, yet stops a fork bomb. */
export const SANDBOX_PIDS_MAX = 4096;

/** cpuacct is v1's CPU time counter; v2 counts in the cpu controller. */
export type Controller = 'cpu' | 'cpuacct' | 'memory' | 'pids' | 'freezer';
type LimitFiles = (resources: SandboxResources) => [string, string][];

/** How one cgroup version names its directories and limit files. */
export interface CgroupLayout {
  version: 'v1' | 'v2';
  controllers: Controller[];
  /** Directory of a sandbox's cgroup per controller it can use. */
  dirs: (sandboxId: string) => Partial<Record<Controller, string>>;
  limits: Partial<Record<Controller, LimitFiles>>;
  /** File and values that freeze and thaw a cgroup. */
  freeze: { file: string; frozen: string; thawed: string };
  frozen: (dir: string) => Promise<boolean>;
  /** Where the CPU time and memory counters are, per controller. */
  counters: {
    cpu: { controller: Controller; file: string; secondsPer: number };
    memory: { controller: Controller; file: string };
  };
}

/** Reads `usage_usec` from a v2 cpu.stat, or a v1 counter file as is. */
export function readCounter(text: string): number {
  const usage = /^usage_usec (\d+)$/m.exec(text);
  return Number(usage ? usage[1] : text.trim());
}

const V1_LIMITS: CgroupLayout['limits'] = {
  cpu: ({ cpus }) => [
    ['cpu.cfs_period_us', String(CPU_PERIOD_MICROS)],
    ['cpu.cfs_quota_us', String(Math.round(cpus * CPU_PERIOD_MICROS))],
  ],
  memory: ({ memoryBytes }) => [['memory.limit_in_bytes', `${memoryBytes}`]],
  pids: () => [['pids.max', String(SANDBOX_PIDS_MAX)]],
};

const V2_LIMITS: CgroupLayout['limits'] = {
  cpu: ({ cpus }) => [
    ['cpu.max', `${Math.round(cpus * CPU_PERIOD_MICROS)} ${CPU_PERIOD_MICROS}`],
  ],
  memory: ({ memoryBytes }) => [['memory.max', `${memoryBytes}`]],
  pids: () => [['pids.max', String(SANDBOX_PIDS_MAX)]],
};

/** The cgroup version this host offers the platform, if any. */
export function detectCgroupLayout(): CgroupLayout | undefined {
  return detectV2() ?? detectV1();
}

function detectV2(): CgroupLayout | undefined {
  const controllersFile = join(CGROUP_ROOT, 'cgroup.controllers');
  if (!existsSync(controllersFile)) return undefined;
  const available = readFileSync(controllersFile, 'utf8').split(/\s+/);
  if (!available.includes('cpu') || !available.includes('memory')) {
    return undefined;
  }

  // Processes may only sit in leaves once controllers are enabled, so the
  // sandboxes get their own subtree at the root rather than below ours.
  const parent = join(CGROUP_ROOT, 'auteryn');
  const wanted = ['cpu', 'memory', 'pids'].filter((c) => available.includes(c));
  const enable = wanted.map((c) => `+${c}`).join(' ');
  try {
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(CGROUP_ROOT, 'cgroup.subtree_control'), enable);
    writeFileSync(join(parent, 'cgroup.subtree_control'), enable);
  } catch {
    return undefined;
  }
  return {
    version: 'v2',
    controllers: [...(wanted as Controller[]), 'freezer'],
    dirs: (sandboxId) => {
      const dir = join(parent, sandboxId);
      return { cpu: dir, memory: dir, pids: dir, freezer: dir };
    },
    limits: V2_LIMITS,
    freeze: { file: 'cgroup.freeze', frozen: '1', thawed: '0' },
    frozen: async (dir) =>
      (await readFile(join(dir, 'cgroup.events'), 'utf8')).includes('frozen 1'),
    counters: {
      cpu: { controller: 'cpu', file: 'cpu.stat', secondsPer: 1e-6 },
      memory: { controller: 'memory', file: 'memory.current' },
    },
  };
}

function detectV1(): CgroupLayout | undefined {
  const parents: Partial<Record<Controller, string>> = {};
  const wanted = ['cpu', 'cpuacct', 'memory', 'pids', 'freezer'] as const;
  for (const controller of wanted) {
    const mount = join(CGROUP_ROOT, controller);
    if (!existsSync(join(mount, 'cgroup.procs'))) continue;

    // Beside the platform in its own cgroup, so limits put on the platform
    // still hold for its sandboxes; no shared parent is left behind to
    // keep that cgroup from being removed.
    parents[controller] = join(mount, ownCgroupV1(controller));
  }
  if (!parents.cpu && !parents.memory) return undefined;
  return {
    version: 'v1',
    controllers: Object.keys(parents) as Controller[],
    dirs: (sandboxId) =>
      Object.fromEntries(
        Object.entries(parents).map(([controller, parent]) => [
          controller,
          join(parent, `auteryn-${sandboxId}`),
        ]),
      ),
    limits: V1_LIMITS,
    freeze: { file: 'freezer.state', frozen: 'FROZEN', thawed: 'THAWED' },
    frozen: async (dir) =>
      (await readFile(join(dir, 'freezer.state'), 'utf8')).trim() === 'FROZEN',
    counters: {
      cpu: { controller: 'cpuacct', file: 'cpuacct.usage', secondsPer: 1e-9 },
      memory: { controller: 'memory', file: 'memory.usage_in_bytes' },
    },
  };
}

function ownCgroupV1(controller: Controller): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers = '', ...path] = line.split(':');
    if (controllers.split(',').includes(controller)) return path.join(':');
  }
  return '/';
}
