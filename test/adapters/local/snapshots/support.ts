import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect } from 'vitest';
import { NamespaceRuntime } from '../../../../functions/adapters/local/index.ts';
import { LocalSnapshotStore } from '../../../../functions/adapters/local/snapshots/index.ts';
import { execIn, useRuntime } from '../support.ts';

export { sandboxId, specOf, textOf } from '../support.ts';

/** A runtime over a fresh data dir and a snapshot store beside it. */
export function useSnapshots() {
  const given = useRuntime((dataDir) => new NamespaceRuntime({ dataDir }));
  const context = given as typeof given & { store: LocalSnapshotStore };

  beforeAll(() => {
    context.store = new LocalSnapshotStore({
      dataDir: given.dataDir,
      runtime: given.runtime,
    });
  });
  return context;
}

export const snapshotId = () => `snap-${randomBytes(6).toString('hex')}`;

/** Runs a shell command in the sandbox and fails the test if it fails. */
export async function sh(
  runtime: NamespaceRuntime,
  id: string,
  command: string,
): Promise<string> {
  const result = await execIn(runtime, id, command);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

export const upperOf = (dataDir: string, id: string) =>
  join(dataDir, 'sandboxes', id, 'upper');

export const storeOf = (dataDir: string, id: string) =>
  join(dataDir, 'snapshots', id);

/** Every object file of a sandbox's store, as `ab/cdef…`. */
export async function objectFiles(dataDir: string, id: string) {
  const objects = join(storeOf(dataDir, id), 'objects');
  const files: string[] = [];
  for (const prefix of await readdir(objects)) {
    for (const name of await readdir(join(objects, prefix))) {
      files.push(`${prefix}/${name}`);
    }
  }
  return files.sort();
}

// Test-side xattr calls, independent of the store's own perl programs:
// lsetxattr and lgetxattr are 189 and 192 on x86-64, 6 and 9 on arm64.
const XATTR_CALLS = process.arch === 'arm64' ? [6, 9] : [189, 192];

export function setXattr(path: string, name: string, value: string) {
  const program = `my ($p, $n, $v) = @ARGV; syscall(${XATTR_CALLS[0]}, $p, $n, $v, length($v), 0) == 0 or die "$!\\n";`;
  execFileSync('perl', ['-e', program, path, name, value]);
}

export function getXattr(path: string, name: string): string | undefined {
  const program = `my ($p, $n) = @ARGV; my $b = "\\0" x 4096; my $l = syscall(${XATTR_CALLS[1]}, $p, $n, $b, 4096); exit 3 if $l < 0; print substr($b, 0, $l);`;
  try {
    return execFileSync('perl', ['-e', program, path, name]).toString();
  } catch {
    return undefined;
  }
}
