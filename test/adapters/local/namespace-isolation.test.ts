import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../domain/errors.ts';
import { NamespaceRuntime } from '../../../functions/adapters/local/index.ts';
import { KEPT_CAPABILITIES } from '../../../functions/adapters/local/perl-programs.ts';
import { execIn, sandboxId, specOf, useRuntime } from './support.ts';

const keptMask = Object.values(KEPT_CAPABILITIES)
  .reduce((mask, cap) => mask | (1n << BigInt(cap)), 0n)
  .toString(16)
  .padStart(16, '0');

describe('NamespaceRuntime isolation', () => {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));

  it('names the host after the sandbox', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));

    const result = await execIn(given.runtime, id, 'hostname');

    expect(result.stdout).toBe(`${id}\n`);
  });

  it('shows a sandbox only its own processes', async () => {
    const [mine, theirs] = [sandboxId(), sandboxId()];
    await given.runtime.start(specOf(mine));
    await given.runtime.start(specOf(theirs));
    await execIn(given.runtime, theirs, 'sleep 4242 >/dev/null 2>&1 &');

    const seen = await execIn(given.runtime, mine, 'ps -eo pid=,args=');
    const seenThere = await execIn(given.runtime, theirs, 'ps -eo args=');

    expect(seen.stdout).not.toContain('sleep 4242');
    expect(seen.stdout).toMatch(/^\s*1 bash -c trap/m);
    expect(seenThere.stdout).toContain('sleep 4242');
  });

  it('keeps the files of one sandbox from another', async () => {
    const [mine, theirs] = [sandboxId(), sandboxId()];
    await given.runtime.start(specOf(mine));
    await given.runtime.start(specOf(theirs));
    await execIn(
      given.runtime,
      theirs,
      'echo private > /home/agent/data/only-here',
    );

    const looked = await execIn(
      given.runtime,
      mine,
      'cat /home/agent/data/only-here',
    );

    expect(looked.exitCode).not.toBe(0);
    await expect(
      given.runtime.files.stat(mine, '/home/agent/data/only-here'),
    ).rejects.toThrow(NotFoundError);
  });

  it('hides the data directory, with the database and every sandbox', async () => {
    const id = sandboxId();
    await writeFile(join(given.dataDir, 'secret.txt'), 'platform only');
    await given.runtime.start(specOf(id));

    const listed = await execIn(given.runtime, id, `ls -A ${given.dataDir}`);
    const read = await execIn(
      given.runtime,
      id,
      `cat ${given.dataDir}/secret.txt`,
    );

    expect(listed.stdout).toBe('');
    expect(read.exitCode).not.toBe(0);
    expect(read.stdout).toBe('');
  });

  it('runs commands with reduced capabilities: no mounts, no kernel settings', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));

    const caps = await execIn(
      given.runtime,
      id,
      'grep CapEff /proc/self/status',
    );
    const mounted = await execIn(given.runtime, id, 'mount -t tmpfs none /mnt');
    const sysctl = await execIn(
      given.runtime,
      id,
      'echo 1 > /proc/sys/vm/drop_caches',
    );
    const chowned = await execIn(
      given.runtime,
      id,
      'touch /opt/f && chown 1000 /opt/f',
    );

    expect(caps.stdout.trim()).toBe(`CapEff:\t${keptMask}`);
    expect(mounted.exitCode).not.toBe(0);
    expect(sysctl.exitCode).not.toBe(0);
    expect(chowned.exitCode).toBe(0);
  });

  it('never runs a binary the sandbox replaced with full capabilities', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await execIn(
      given.runtime,
      id,
      'cp /usr/bin/stat /usr/local/bin/real-stat && printf \'#!/bin/sh\\ngrep CapEff /proc/self/status > /tmp/caps\\nexec real-stat "$@"\\n\' > /usr/bin/stat && chmod +x /usr/bin/stat',
    );

    await given.runtime.files.stat(id, '/home/agent');
    const recorded = await execIn(given.runtime, id, 'cat /tmp/caps');

    expect(recorded.stdout.trim()).toBe(`CapEff:\t${keptMask}`);
  });

  it('refuses to boot through a symlink planted on a mount point', async () => {
    const id = sandboxId();
    const upper = join(given.dataDir, 'sandboxes', id, 'upper');
    const [, top] = given.dataDir.split('/');
    await mkdir(upper, { recursive: true });
    await symlink('/var', join(upper, top as string));

    const start = given.runtime.start(specOf(id));

    await expect(start).rejects.toThrow(/unsafe mount point/);
    expect(await given.runtime.isRunning(id)).toBe(false);
  });

  it('refuses ids that could name another path', async () => {
    await expect(given.runtime.start(specOf('../escape'))).rejects.toThrow(
      ValidationError,
    );
  });
});
