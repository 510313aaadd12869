import { readFile } from 'node:fs/promises';

// USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux ABI
// (the kernel's include/asm-generic/param.h; getconf CLK_TCK).
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time of the agent and of every child it has waited for, which
 * includes each exec's bash and all that bash waited for in turn. It
 * misses background jobs that outlive their exec: the cgroup counts
 * those, so this is only the fallback where no cgroup is readable.
 */
export async function processCpuSeconds(
  statFile = '/proc/self/stat',
): Promise<number> {
  const text = await readFile(statFile, 'utf8');

  // The command name may hold spaces and parentheses: count from the last.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime..cstime are fields 14-17.
  const ticks = [11, 12, 13, 14].map((index) => Number(fields[index]));
  return ticks.reduce((sum, value) => sum + value, 0) / CLOCK_TICKS_PER_SECOND;
}
