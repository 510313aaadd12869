import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../../../domain/errors.ts';
import { SANDBOX_SIZES } from '../../../domain/sandbox/sizes.ts';
import { NamespaceRuntime } from '../../../functions/adapters/local/index.ts';
import { execIn, sandboxId, specOf, useRuntime } from './support.ts';

describe('NamespaceRuntime cgroups', () => {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));

  it('puts the memory of the size on the sandbox cgroup', async () => {
    const id = sandboxId();
    const isolation = await given.runtime.start(specOf(id, 'medium'));

    const limit = await readMemoryLimit(given.runtime, id, isolation.cgroup);

    const expected = SANDBOX_SIZES.medium.memoryBytes;
    expect(limit).toBe(isolation.cgroup === 'none' ? undefined : expected);
  });

  it('freezes a paused sandbox and thaws it on resume', async () => {
    const id = sandboxId();
    const isolation = await given.runtime.start(specOf(id));
    if (isolation.cgroup === 'none') {
      await expect(given.runtime.pause(id)).rejects.toThrow(IllegalStateError);
      return;
    }
    const freezer = await freezerFile(given.runtime, id, isolation.cgroup);

    await given.runtime.pause(id);
    const paused = (await readFile(freezer, 'utf8')).trim();
    await given.runtime.resume(id);
    const resumed = await execIn(given.runtime, id, 'echo awake');

    expect(paused).toMatch(/^(FROZEN|1)$/);
    expect(resumed.stdout).toBe('awake\n');
  });

  it('removes the cgroups on stop, and leftovers of a hard kill on destroy', async () => {
    const id = sandboxId();
    const isolation = await given.runtime.start(specOf(id));
    if (isolation.cgroup === 'none') return;
    const dir = await cgroupDir(given.runtime, id, isolation.cgroup, 'memory');
    const leftoverId = sandboxId();
    const leftover = join(dirname(dir), basename(dir).replace(id, leftoverId));
    await mkdir(leftover);

    await given.runtime.stop(id);
    await given.runtime.destroy(leftoverId);

    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    await expect(stat(leftover)).rejects.toThrow(/ENOENT/);
  });
});

/** Host path of the cgroup a sandbox process is in, for one controller. */
async function cgroupDir(
  runtime: NamespaceRuntime,
  id: string,
  version: string,
  controller: string,
): Promise<string> {
  const { stdout } = await execIn(runtime, id, 'cat /proc/self/cgroup');
  const lines = stdout.trim().split('\n');
  if (version === 'v2') {
    return join('/sys/fs/cgroup', lines[0]?.split(':')[2] ?? '');
  }
  const line = lines.find((l) =>
    l.split(':')[1]?.split(',').includes(controller),
  );
  return join('/sys/fs/cgroup', controller, line?.split(':')[2] ?? '');
}

async function readMemoryLimit(
  runtime: NamespaceRuntime,
  id: string,
  version: string,
): Promise<number | undefined> {
  if (version === 'none') return undefined;
  const dir = await cgroupDir(runtime, id, version, 'memory');
  const file = version === 'v2' ? 'memory.max' : 'memory.limit_in_bytes';
  return Number(await readFile(join(dir, file), 'utf8'));
}

async function freezerFile(
  runtime: NamespaceRuntime,
  id: string,
  version: string,
) {
  const dir = await cgroupDir(runtime, id, version, 'freezer');
  return join(dir, version === 'v2' ? 'cgroup.freeze' : 'freezer.state');
}
