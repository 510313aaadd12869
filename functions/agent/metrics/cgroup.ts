import { readdir, readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';

type CgroupVersion = 'cgroup-v2' | 'cgroup-v1';

/** Where this process sits: the v2 path and the v1 path per controller. */
interface Membership {
  v2: string | undefined;
  v1: Map<string, string>;
}

/**
 * Reads the counters of the cgroup the agent runs in, v2 or v1, at the
 * process's own path or at the mount's root (a container with its own
 * cgroup namespace, or a v1 mount of just the container's cgroup).
 * Everything the agent starts is in that cgroup, background jobs too.
 */
export class CgroupCounters {
  constructor(
    private readonly root = '/sys/fs/cgroup',
    private readonly selfCgroup = '/proc/self/cgroup',
  ) {}

  async cpuSeconds(): Promise<{ seconds: number; source: CgroupVersion }> {
    const v2 = await this.readV2('cpu.stat');
    const usage = v2 && statField(v2.text, 'usage_usec');
    if (v2 && usage !== undefined) {
      return { seconds: usage / 1e6, source: 'cgroup-v2' };
    }

    const v1 = await this.readV1('cpuacct', 'cpuacct.usage');
    if (v1) return { seconds: Number(v1.trim()) / 1e9, source: 'cgroup-v1' };
    throw new Error('no cpu accounting cgroup');
  }

  async memory(): Promise<{
    usedBytes: number;
    limitBytes: number;
    source: CgroupVersion;
  }> {
    const current = await this.readV2('memory.current');
    if (current) {
      const stat = await this.readFileIn(current.dir, 'memory.stat');
      const max = await this.readFileIn(current.dir, 'memory.max');
      return {
        usedBytes: workingSet(current.text, stat, 'inactive_file'),
        limitBytes: limitOf(max),
        source: 'cgroup-v2',
      };
    }

    const usage = await this.readV1('memory', 'memory.usage_in_bytes');
    if (usage === undefined) throw new Error('no memory cgroup');
    const stat = await this.readV1('memory', 'memory.stat');
    const limit = await this.readV1('memory', 'memory.limit_in_bytes');
    return {
      usedBytes: workingSet(usage, stat, 'total_inactive_file'),
      limitBytes: limitOf(limit),
      source: 'cgroup-v1',
    };
  }

  private async readV2(file: string) {
    const { v2 } = await this.membership();
    const dirs = [this.root, join(this.root, 'unified')].flatMap((mount) =>
      v2 === undefined ? [mount] : [join(mount, v2), mount],
    );
    for (const dir of dirs) {
      const text = await this.readFileIn(dir, file);
      if (text !== undefined) return { dir, text };
    }
    return undefined;
  }

  private async readV1(controller: string, file: string) {
    const path = (await this.membership()).v1.get(controller) ?? '/';
    const mounts = await readdir(this.root).catch(() => [] as string[]);
    const matching = mounts.filter((name) =>
      name.split(',').includes(controller),
    );
    for (const mount of matching) {
      for (const dir of [
        join(this.root, mount, path),
        join(this.root, mount),
      ]) {
        const text = await this.readFileIn(dir, file);
        if (text !== undefined) return text;
      }
    }
    return undefined;
  }

  private async membership(): Promise<Membership> {
    const text = await readFile(this.selfCgroup, 'utf8').catch(() => '');
    const membership: Membership = { v2: undefined, v1: new Map() };
    for (const line of text.split('\n')) {
      const [id, controllers = '', ...rest] = line.split(':');
      const path = rest.join(':');
      if (id === '0' && controllers === '') membership.v2 = path;
      for (const name of controllers.split(',').filter(Boolean)) {
        membership.v1.set(name, path);
      }
    }
    return membership;
  }

  private readFileIn(dir: string, file: string) {
    return readFile(join(dir, file), 'utf8').catch(() => undefined);
  }
}

function statField(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** Usage less inactive page cache, as `docker stats` and kubelet count. */
function workingSet(usage: string, stat: string | undefined, field: string) {
  const used = Number(usage.trim());
  const inactive = (stat && statField(stat, field)) || 0;
  return Math.max(0, used - inactive);
}

/** `max` (v2) or a near-2^63 value (v1) mean no limit: the host's RAM. */
function limitOf(text: string | undefined): number {
  const limit = Number(text?.trim());
  return Number.isFinite(limit) && limit > 0
    ? Math.min(limit, totalmem())
    : totalmem();
}
