import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What a stopped sandbox uses, but for its disk. */
export const NOT_RUNNING = {
  running: false,
  cpuSeconds: 0,
  memoryBytes: 0,
  execsInFlight: 0,
} as const;

/** Kernel clock ticks a second: /proc times are in these (USER_HZ). */
const CLOCK_TICKS = 100;

interface ProcStat {
  pid: number;
  processGroup: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

const PAGE_BYTES = 4096;

/** Every process's /proc/<pid>/stat, parsed; vanished ones are skipped. */
async function processes(): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(pids.map((pid) => readStat(Number(pid))));
  return stats.filter((s): s is ProcStat => s !== undefined);
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const at = (index: number) => Number(fields[index - 3]);
    const ticks = at(14) + at(15) + at(16) + at(17);
    return {
      pid,
      processGroup: at(5),
      cpuSeconds: ticks / CLOCK_TICKS,
      rssBytes: at(24) * PAGE_BYTES,
    };
  } catch {
    return undefined;
  }
}

const sum = (stats: ProcStat[], pick: (s: ProcStat) => number) =>
  stats.reduce((total, s) => total + pick(s), 0);

/**
 * CPU and memory of the processes in the PID namespace of `initPid`,
 * where no cgroup counts them. Time of processes already reaped inside
 * the namespace is in their reaper's cutime, so the sum stays cumulative.
 */
export async function namespaceUsage(
  initPid: number,
): Promise<{ cpuSeconds: number; memoryBytes: number }> {
  const namespace = await readlink(`/proc/${initPid}/ns/pid`).catch(
    () => undefined,
  );
  if (!namespace) return { cpuSeconds: 0, memoryBytes: 0 };

  const members: ProcStat[] = [];
  for (const stat of await processes()) {
    const link = await readlink(`/proc/${stat.pid}/ns/pid`).catch(() => '');
    if (link === namespace) members.push(stat);
  }
  return {
    cpuSeconds: sum(members, (s) => s.cpuSeconds),
    memoryBytes: sum(members, (s) => s.rssBytes),
  };
}

/** The same for the process groups an unisolated sandbox started. */
export async function processGroupUsage(
  groups: ReadonlySet<number>,
): Promise<{ cpuSeconds: number; memoryBytes: number }> {
  const members = (await processes()).filter((s) => groups.has(s.processGroup));
  return {
    cpuSeconds: sum(members, (s) => s.cpuSeconds),
    memoryBytes: sum(members, (s) => s.rssBytes),
  };
}

/**
 * Bytes a folder takes on disk (allocated blocks, like `du`), counting a
 * hard-linked file once. A folder that does not exist takes none.
 */
export async function diskBytes(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries) {
      const child = join(path, entry.name);
      const stat = await lstat(child).catch(() => undefined);
      if (!stat) continue;
      const inode = `${stat.dev}:${stat.ino}`;
      if (seen.has(inode)) continue;
      seen.add(inode);
      total += stat.blocks * 512;
      if (stat.isDirectory()) await walk(child);
    }
  };
  await walk(dir);
  return total;
}
