import { execFile } from 'node:child_process';
import { copyFile, mkdir, realpath, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the agent's file routes and the tests run inside the chroot. */
const TOOLS = [
  'bash',
  'sh',
  'cat',
  'chroot',
  'find',
  'head',
  'ln',
  'ls',
  'mkdir',
  'mv',
  'rm',
  'sleep',
  'stat',
  'sync',
];

/**
 * A tiny image root for chroot tests: a few of the host's tools and the
 * libraries they load, in a merged-/usr layout like Debian's. Seeding
 * the real image root would copy gigabytes on this machine.
 */
export async function makeMiniRoot(root: string): Promise<void> {
  for (const dir of ['usr/bin', 'usr/lib', 'usr/lib64', 'etc', 'home/agent']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) {
    const target = link === 'sbin' ? 'usr/bin' : `usr/${link}`;
    await symlink(target, join(root, link));
  }

  const copied = new Set<string>();
  for (const tool of TOOLS) {
    const { stdout } = await run('bash', ['-c', `command -v ${tool}`]);
    const binary = stdout.trim();
    for (const path of [binary, ...(await librariesOf(binary))]) {
      if (copied.has(path)) continue;
      copied.add(path);
      await mkdir(dirname(join(root, path)), { recursive: true });
      await copyFile(await realpath(path), join(root, path));
    }
  }
  await run('chmod', ['-R', 'a+rx', join(root, 'usr')]);
}

async function librariesOf(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return [...stdout.matchAll(/(\/\S+) \(0x/g)].map((match) => match[1] ?? '');
}
