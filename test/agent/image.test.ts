import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { buildAgent } from '../../functions/agent/build.ts';
import { makeMiniRoot } from './mini-root.ts';
import {
  type AgentProcess,
  bodyOf,
  bytesOf,
  ended,
  startAgentProcess,
} from './support.ts';

const text = async (stream: ReadableStream<Uint8Array>) =>
  (await bytesOf(stream)).toString('utf8');

describe('agent image: the bundle and the entrypoint', () => {
  let dir: string;
  let bundle: string;
  let image: string;
  let volume: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auteryn-image-'));
    bundle = await buildAgent(join(dir, 'bundle/agent.mjs'));
    image = join(dir, 'image');
    volume = join(dir, 'volume');
    await makeMiniRoot(image);
    await writeFile(join(image, 'etc/motd'), 'from the image\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** entrypoint.sh as the image runs it, with the volume in a temp dir. */
  const boot = () =>
    startAgentProcess(join(volume, 'root'), {
      argv: ['bash', 'functions/agent/entrypoint.sh'],
      env: {
        PATH: `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
        AUTERYN_VOLUME: volume,
        AUTERYN_SEED_SOURCE: image,
        AUTERYN_REQUIRE_VOLUME: '0',
        AUTERYN_AGENT_BUNDLE: bundle,
        AUTERYN_CHROOT: '1',
      },
    });
  const exec = (agent: AgentProcess, command: string, cwd = '/home/agent') =>
    agent.client.exec({ command, cwd, env: {}, timeoutSeconds: 30 });

  it('bundles into one file that starts and answers healthz', async () => {
    const agent = await startAgentProcess(join(dir, 'plain-root'), {
      argv: [process.execPath, bundle],
    });

    const health = await agent.client.healthz();
    const code = await agent.stop('SIGTERM');

    expect(health).toMatchObject({ ok: true, sandboxId: 'sbx-agent-test' });
    expect(code).toBe(0);
  });

  describe('a chroot on a seeded volume', () => {
    let agent: AgentProcess;

    beforeAll(async () => {
      agent = await boot();
    });
    afterAll(() => agent?.stop('SIGKILL'));

    it('runs commands inside the seeded root', async () => {
      const result = await exec(
        agent,
        'pwd; echo "$HOME"; ls /; cat /etc/motd',
      );

      const [pwd, home, ...rest] = result.stdout.trim().split('\n');
      expect({ pwd, home }).toEqual({
        pwd: '/home/agent',
        home: '/home/agent',
      });
      expect(rest).toEqual(expect.arrayContaining(['bin', 'dev', 'usr']));
      expect(rest).not.toContain('work');
      expect(rest.at(-1)).toBe('from the image');
    });

    it('gives the chroot the usual device nodes', async () => {
      const result = await exec(
        agent,
        'echo gone > /dev/null && [ -c /dev/null ] && head -c 4 /dev/zero | ' +
          'cat > zeros && stat -c %s zeros',
      );

      expect(result).toMatchObject({ exitCode: 0, stdout: '4\n' });
    });

    it("resolves absolute symlinks against the sandbox's root", async () => {
      await agent.client.write('/etc/greeting', bodyOf('inside\n'), 100);
      await exec(agent, 'ln -s /etc/greeting /home/agent/greeting');

      const read = await text(await agent.client.read('/home/agent/greeting'));

      expect(read).toBe('inside\n');
      await expect(
        agent.client.read('/work/main/package.json'),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('keeps commands inside: they cannot chroot out again', async () => {
      const chrootOut = await exec(
        agent,
        'mkdir -p /tmp/jail && chroot /tmp/jail /bin/true',
      );

      // chroot(2) is the one way out of a chroot; without the capability
      // it fails, for the command and for anything it starts.
      expect(chrootOut.exitCode).toBe(125);
      expect(chrootOut.stderr).toMatch(/Operation not permitted/);
    });

    it('refuses a cwd the root does not have', async () => {
      await expect(exec(agent, 'true', '/no/such')).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('kills the process group of a command that times out', async () => {
      const result = await agent.client.exec({
        command: 'sleep 300 & echo $! > bg.pid; wait',
        cwd: '/home/agent',
        env: {},
        timeoutSeconds: 1,
      });
      const pid = Number(
        await readFile(join(volume, 'root/home/agent/bg.pid'), 'utf8'),
      );

      expect(result).toMatchObject({ exitCode: 137, timedOut: true });
      expect(await ended(pid)).toBe(true);
    });

    it('marks the volume as seeded', async () => {
      const marker = await agent.client.stat('/.auteryn-seeded');

      expect(marker.type).toBe('file');
    });
  });

  it('refuses to start when no volume is mounted', async () => {
    const started = startAgentProcess(join(dir, 'unmounted/root'), {
      argv: ['bash', 'functions/agent/entrypoint.sh'],
      env: { AUTERYN_VOLUME: join(dir, 'unmounted') },
    });

    await expect(started).rejects.toThrow(/exited with 1.*no volume/);
  });

  it('keeps the root across a restart and does not seed again', async () => {
    const first = await boot();
    await first.client.write('/usr/local/kept.txt', bodyOf('kept'), 100);
    expect(await first.stop('SIGTERM')).toBe(0);
    await writeFile(join(image, 'etc/new-in-image'), 'late');

    const second = await boot();
    const kept = await text(await second.client.read('/usr/local/kept.txt'));
    const late = second.client.stat('/etc/new-in-image');

    expect(kept).toBe('kept');
    await expect(late).rejects.toBeInstanceOf(NotFoundError);
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
