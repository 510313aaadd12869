import { readFile } from 'node:fs/promises';

// mountinfo escapes space, tab, newline and backslash as \ooo.
const unescapeOctal = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, code: string) =>
    String.fromCharCode(Number.parseInt(code, 8)),
  );

/** Throws if anything is mounted at or below `dir` on the host. */
export async function assertNoMountsUnder(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const mountPoints = mountinfo
    .split('\n')
    .map((line) => unescapeOctal(line.split(' ')[4] ?? ''));

  const inside = mountPoints.find(
    (point) => point === dir || point.startsWith(`${dir}/`),
  );
  if (inside) throw new Error(`${inside} is still mounted`);
}
