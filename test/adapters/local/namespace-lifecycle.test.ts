import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../../../domain/errors.ts';
import { NamespaceRuntime } from '../../../functions/adapters/local/index.ts';
import { execIn, sandboxId, specOf, useRuntime } from './support.ts';

describe('NamespaceRuntime lifecycle', () => {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));

  it('makes the agent folders on the first start', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));

    const listed = await given.runtime.files.list(id, '/home/agent');

    expect(listed.map((entry) => entry.name)).toEqual([
      'code',
      'data',
      'logs',
      'output',
    ]);
  });

  it('keeps data and installed tools across stop and start', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await execIn(
      given.runtime,
      id,
      'echo kept > /home/agent/data/note && printf "#!/bin/sh\\necho tool\\n" > /usr/local/bin/tool && chmod +x /usr/local/bin/tool',
    );

    await given.runtime.stop(id);
    expect(await given.runtime.isRunning(id)).toBe(false);
    await given.runtime.start(specOf(id));

    const result = await execIn(
      given.runtime,
      id,
      'cat /home/agent/data/note; tool',
    );
    expect(result.stdout).toBe('kept\ntool\n');
  });

  it('keeps files for a new runtime on the same data directory', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await execIn(given.runtime, id, 'echo survived > /home/agent/data/note');
    await given.runtime.close();

    const restarted = new NamespaceRuntime({ dataDir: given.dataDir });
    expect(await restarted.isRunning(id)).toBe(false);
    await restarted.start(specOf(id));
    const result = await execIn(restarted, id, 'cat /home/agent/data/note');
    await restarted.close();

    expect(result.stdout).toBe('survived\n');
  });

  it('treats a repeated start, stop or destroy as done', async () => {
    const id = sandboxId();

    const first = await given.runtime.start(specOf(id));
    const second = await given.runtime.start(specOf(id));
    await Promise.all([given.runtime.stop(id), given.runtime.stop(id)]);
    await given.runtime.destroy(id);
    await given.runtime.destroy(id);

    expect(second).toEqual(first);
    expect(await given.runtime.isRunning(id)).toBe(false);
  });

  it('leaves nothing of a destroyed sandbox under the data directory', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await execIn(given.runtime, id, 'echo x > /home/agent/data/file');

    await given.runtime.destroy(id);

    const everything = await readdir(given.dataDir, { recursive: true });
    expect(everything.filter((path) => path.includes(id))).toEqual([]);
  });

  it('refuses commands and files of a sandbox that is not running', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await given.runtime.stop(id);

    await expect(execIn(given.runtime, id, 'true')).rejects.toThrow(
      IllegalStateError,
    );
    await expect(given.runtime.files.stat(id, '/')).rejects.toThrow(
      IllegalStateError,
    );
  });

  it('reports the namespaces and what the cgroups enforce', async () => {
    const id = sandboxId();

    const isolation = await given.runtime.start(specOf(id));

    expect(isolation).toMatchObject({
      mode: 'namespaces',
      namespaces: ['mount', 'pid', 'ipc', 'uts'],
      disk: 'not-enforced',
    });
    const enforced = isolation.cgroup === 'none' ? 'not-enforced' : 'enforced';
    expect(isolation.memory).toBe(enforced);
    expect(isolation.warnings.join('\n')).toMatch(/disk/);
    expect(isolation.warnings.join('\n')).toMatch(/network/);
  });
});
