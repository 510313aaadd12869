import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../../../domain/ports/log.ts';
import type { SandboxRuntime } from '../../../domain/ports/sandbox-runtime.ts';
import { runCaptured } from './captured-process.ts';
import { NamespaceRuntime } from './namespace-runtime.ts';
import { PERL, syscallsSupported } from './perl-programs.ts';
import { HOST_ENV, prepareDataDir, silentLog } from './sandbox-layout.ts';
import { UnisolatedRuntime } from './unisolated-runtime.ts';

const CAP_SYS_ADMIN = 21n;

// Everything a boot needs, tried once in a throwaway mount namespace.
const PROBE_SCRIPT = `
mount -t overlay overlay -o "lowerdir=/,upperdir=$1,workdir=$2" "$3"
umount "$3"
[ -e "/proc/self/task/$$/children" ] || { echo 'no /proc children list' >&2; exit 1; }
command -v setpriv realpath >/dev/null || { echo 'setpriv or realpath missing' >&2; exit 1; }
${PERL} -e 1
`;

export interface LocalRuntimeOptions {
  /** Absolute; sandboxes live in `<dataDir>/sandboxes`. */
  dataDir: string;
  /** Defaults to logging nothing. */
  logger?: Log;
}

/**
 * The best runtime this host allows: namespaces when the platform runs
 * as root on Linux and an overlay mount works, else the unisolated
 * fallback, which warns loudly.
 */
export async function detectLocalRuntime(
  options: LocalRuntimeOptions,
): Promise<SandboxRuntime> {
  const log = options.logger ?? silentLog;
  const problem = await namespaceProblem(options.dataDir);
  if (problem) {
    return new UnisolatedRuntime({ ...options, reason: problem });
  }

  const runtime = new NamespaceRuntime(options);
  log.info('sandboxes run in namespaces', {
    isolation: runtime.hostIsolation,
  });
  return runtime;
}

/** Why this host cannot run namespaced sandboxes; undefined if it can. */
export async function namespaceProblem(
  dataDir: string,
): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the host is not Linux';
  if (process.getuid?.() !== 0) return 'the platform does not run as root';
  if (!syscallsSupported()) return `unsupported architecture ${process.arch}`;
  if (!(await hasCapability(CAP_SYS_ADMIN))) return 'CAP_SYS_ADMIN is missing';

  const probe = await mkdtemp(join(prepareDataDir(dataDir), 'probe-'));
  try {
    const layers = ['upper', 'work', 'merged'].map((name) => join(probe, name));
    for (const dir of layers) await mkdir(dir);

    const result = await runCaptured({
      command: 'unshare',
      args: ['--mount', '--propagation', 'private', '--']
        .concat(['sh', '-c', PROBE_SCRIPT, 'probe'])
        .concat(layers),
      env: HOST_ENV,
      timeoutSeconds: 30,
    });
    if (result.exitCode === 0) return undefined;
    return `namespace probe failed: ${result.stderr.trim()}`;
  } catch (error) {
    return `namespace probe failed: ${(error as Error).message}`;
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

async function hasCapability(capability: bigint): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8');
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!effective) return false;
  return ((BigInt(`0x${effective}`) >> capability) & 1n) === 1n;
}
