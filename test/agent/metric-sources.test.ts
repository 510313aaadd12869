import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CgroupCounters } from '../../functions/agent/metrics/cgroup.ts';
import { DeviceWrites } from '../../functions/agent/metrics/disk.ts';
import { processCpuSeconds } from '../../functions/agent/metrics/process-cpu.ts';

describe('metric sources', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auteryn-metrics-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function files(tree: Record<string, string>) {
    for (const [path, content] of Object.entries(tree)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  }
  const counters = () =>
    new CgroupCounters(join(dir, 'cgroup'), join(dir, 'self-cgroup'));

  it('reads cgroup v2 at the root of a namespaced mount', async () => {
    await files({
      'self-cgroup': '0::/\n',
      'cgroup/cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\n',
      'cgroup/memory.current': '300\n',
      'cgroup/memory.stat': 'anon 100\ninactive_file 120\n',
      'cgroup/memory.max': '1000\n',
    });

    expect(await counters().cpuSeconds()).toEqual({
      seconds: 2.5,
      source: 'cgroup-v2',
    });
    expect(await counters().memory()).toEqual({
      usedBytes: 180,
      limitBytes: 1000,
      source: 'cgroup-v2',
    });
  });

  it("reads cgroup v2 at the process's own path", async () => {
    await files({
      'self-cgroup': '0::/ecs/task-1/agent\n',
      'cgroup/ecs/task-1/agent/cpu.stat': 'usage_usec 7000000\n',
      'cgroup/ecs/task-1/agent/memory.current': '50\n',
      'cgroup/ecs/task-1/agent/memory.max': 'max\n',
    });

    expect((await counters().cpuSeconds()).seconds).toBe(7);
    expect(await counters().memory()).toMatchObject({
      usedBytes: 50,
      limitBytes: totalmem(),
    });
  });

  it('reads cgroup v1 from combined controller mounts', async () => {
    await files({
      'self-cgroup': '4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n',
      'cgroup/cpu,cpuacct/docker/abc/cpuacct.usage': '1500000000\n',
      'cgroup/memory/docker/abc/memory.usage_in_bytes': '900\n',
      'cgroup/memory/docker/abc/memory.stat': 'total_inactive_file 100\n',
      'cgroup/memory/docker/abc/memory.limit_in_bytes': '9223372036854771712\n',
    });

    expect(await counters().cpuSeconds()).toEqual({
      seconds: 1.5,
      source: 'cgroup-v1',
    });
    expect(await counters().memory()).toEqual({
      usedBytes: 800,
      limitBytes: totalmem(),
      source: 'cgroup-v1',
    });
  });

  it('fails over to the caller when no cgroup is readable', async () => {
    await files({ 'self-cgroup': '0::/\n' });

    await expect(counters().cpuSeconds()).rejects.toThrow(/no cpu/);
    await expect(counters().memory()).rejects.toThrow(/no memory/);
  });

  it('adds user, system and waited-for children from /proc stat', async () => {
    await files({
      stat: '42 (a (weird) name) S 1 42 42 0 -1 0 0 0 0 0 150 50 200 100 20 0',
    });

    expect(await processCpuSeconds(join(dir, 'stat'))).toBe(5);
  });

  it("finds a btrfs-like root's device through the mount source", async () => {
    const root = join(dir, 'volume/root');
    await mkdir(root, { recursive: true });
    await files({
      mountinfo: [
        '1 0 0:21 / / rw - ext4 /dev/vda rw',
        `2 1 0:45 / ${join(dir, 'volume')} rw - btrfs ${join(dir, 'dev/sdb1')} rw`,
      ].join('\n'),
      'dev/sdb1': '',
      'class/sdb1/stat': '1 2 3 4 5 6 2048 8 9 10 11',
    });

    const writes = new DeviceWrites(root, {
      sysDevBlock: join(dir, 'no-dev-block'),
      sysClassBlock: join(dir, 'class'),
      mountinfo: join(dir, 'mountinfo'),
      diskstats: join(dir, 'diskstats'),
    });

    expect(await writes.read()).toEqual({
      bytes: 2048 * 512,
      device: 'sdb1',
    });
  });

  it('falls back to /proc/diskstats and to nothing for tmpfs', async () => {
    const root = join(dir, 'root');
    await mkdir(root);
    await symlink(join(dir, 'nvme1n1'), join(dir, 'dev-link'));
    await files({
      mountinfo: `1 0 0:21 / ${root} rw - xfs ${join(dir, 'dev-link')} rw`,
      nvme1n1: '',
      diskstats: ' 259 1 nvme1n1 10 0 80 5 20 0 4096 9 0 12 14 0 0 0 0\n',
      'tmpfs-mountinfo': `1 0 0:21 / ${root} rw - tmpfs tmpfs rw`,
    });
    const system = {
      sysDevBlock: join(dir, 'none'),
      sysClassBlock: join(dir, 'none'),
      mountinfo: join(dir, 'mountinfo'),
      diskstats: join(dir, 'diskstats'),
    };

    const xfs = new DeviceWrites(root, system);
    const tmpfs = new DeviceWrites(root, {
      ...system,
      mountinfo: join(dir, 'tmpfs-mountinfo'),
    });

    expect(await xfs.read()).toEqual({ bytes: 4096 * 512, device: 'nvme1n1' });
    expect(await tmpfs.read()).toBeUndefined();
  });
});
