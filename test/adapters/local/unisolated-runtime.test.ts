import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IllegalStateError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../../domain/errors.ts';
import type { Log } from '../../../domain/ports/log.ts';
import { UnisolatedRuntime } from '../../../functions/adapters/local/index.ts';
import {
  bodyOf,
  execIn,
  sandboxId,
  specOf,
  textOf,
  useRuntime,
} from './support.ts';

const warnings: string[] = [];
const recordingLog: Log = {
  info: () => undefined,
  warn: (message) => warnings.push(message),
  error: () => undefined,
};

describe('UnisolatedRuntime', () => {
  const given = useRuntime(
    (dataDir) =>
      new UnisolatedRuntime({
        dataDir,
        reason: 'test without namespaces',
        logger: recordingLog,
      }),
  );

  it('says loudly that nothing is isolated', () => {
    expect(given.runtime.hostIsolation).toMatchObject({
      mode: 'none',
      cpu: 'not-enforced',
      memory: 'not-enforced',
      cgroup: 'none',
    });
    expect(given.runtime.hostIsolation.warnings[0]).toMatch(
      /NOT ISOLATED.*test without namespaces/,
    );
    expect(warnings).toContain('sandboxes are not isolated');
  });

  it('runs commands in the sandbox folder standing for its root', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    const home = join(given.dataDir, 'sandboxes', id, 'root/home/agent');

    const result = await execIn(
      given.runtime,
      id,
      'pwd; echo "$HOME"; echo hi > note',
      {
        cwd: '/home/agent/code',
      },
    );

    expect(result.stdout).toBe(`${home}/code\n${home}\n`);
    expect(
      await textOf(await given.runtime.files.read(id, '/home/agent/code/note')),
    ).toBe('hi\n');
  });

  it('maps file paths below the sandbox root and keeps them there', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await writeFile(join(given.dataDir, 'secret.txt'), 'platform only');
    const files = given.runtime.files;

    await files.write(id, '/home/agent/data/a/b.txt', bodyOf('content'), 100);
    await execIn(
      given.runtime,
      id,
      `ln -s ${given.dataDir}/secret.txt escape`,
      {
        cwd: '/home/agent/data',
      },
    );

    expect(
      (await files.list(id, '/home/agent/data')).map((e) => e.name),
    ).toEqual(['a', 'escape']);
    await expect(files.read(id, '/../../../secret.txt')).rejects.toThrow(
      NotFoundError,
    );
    await expect(files.read(id, '/home/agent/data/escape')).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      files.write(id, '/home/agent/data/big', bodyOf('x'.repeat(11)), 10),
    ).rejects.toThrow(PayloadTooLargeError);
  });

  it('refuses work on a stopped sandbox and forgets a destroyed one', async () => {
    const id = sandboxId();
    await given.runtime.start(specOf(id));
    await given.runtime.stop(id);

    await expect(execIn(given.runtime, id, 'true')).rejects.toThrow(
      IllegalStateError,
    );
    await given.runtime.destroy(id);

    expect(await readdir(join(given.dataDir, 'sandboxes'))).not.toContain(id);
    await expect(stat(join(given.dataDir, 'sandboxes', id))).rejects.toThrow();
  });
});
