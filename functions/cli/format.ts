import type { FileEntry, Sandbox, SandboxEvent } from '../client/index.ts';

/** Columns padded to their widest cell, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ');
  return [header, ...rows].map(line).join('\n');
}

export function sandboxTable(sandboxes: Sandbox[]): string {
  return table(
    ['ID', 'NAME', 'SIZE', 'STATUS', 'CREATED'],
    sandboxes.map((sandbox) => [
      sandbox.id,
      sandbox.name,
      sandbox.size,
      sandbox.status,
      timestamp(sandbox.createdAt),
    ]),
  );
}

/** A sandbox as `key: value` lines, the values aligned. */
export function sandboxBlock(sandbox: Sandbox): string {
  const { resources } = sandbox;
  const lines: [string, string | null][] = [
    ['id', sandbox.id],
    ['name', sandbox.name],
    ['status', statusLine(sandbox)],
    [
      'size',
      `${sandbox.size} (${resources.cpus} cpu, ` +
        `${gib(resources.memoryBytes)} memory, ${gib(resources.diskBytes)} disk)`,
    ],
    [
      'auto-shutdown',
      sandbox.autoShutdown
        ? `after ${sandbox.shutdownAfter} idle ` +
          `(busy above ${sandbox.idleCpuPercent}% cpu)`
        : 'off',
    ],
    ['image', sandbox.image],
    ['isolation', isolationLine(sandbox)],
    ['last error', sandbox.lastError],
    ['snapshots', snapshotsLine(sandbox)],
    ['created', timestamp(sandbox.createdAt)],
    ['updated', timestamp(sandbox.updatedAt)],
    ['version', String(sandbox.version)],
  ];
  return block(lines);
}

/** `key: value` lines, the values aligned; lines without a value left out. */
export function block(lines: [string, string | null][]): string {
  const shown = lines.filter((line): line is [string, string] => !!line[1]);
  const width = Math.max(...shown.map(([key]) => key.length)) + 2;
  return shown
    .map(([key, value]) => `${`${key}:`.padEnd(width)}${value}`)
    .join('\n');
}

function snapshotsLine(sandbox: Sandbox): string {
  // An older platform sends no count: say `none` rather than `undefined`.
  if (!sandbox.snapshotCount) return 'none';
  const newest = sandbox.lastSnapshotAt
    ? `newest taken ${timestamp(sandbox.lastSnapshotAt)}`
    : 'none completed yet';
  return `${sandbox.snapshotCount} (${newest})`;
}

function statusLine(sandbox: Sandbox): string {
  if (sandbox.status !== 'stopped' || !sandbox.stoppedReason) {
    return sandbox.status;
  }
  return `stopped (${sandbox.stoppedReason})`;
}

function isolationLine(sandbox: Sandbox): string {
  const { isolation } = sandbox;
  if (!isolation) return 'not started yet';
  if (isolation.mode === 'none') return 'NONE: commands run on the host';

  const namespaces = isolation.namespaces.join(', ');
  return isolation.namespaces.length > 0
    ? `${isolation.mode} (${namespaces}), cgroup ${isolation.cgroup}`
    : `${isolation.mode}, cgroup ${isolation.cgroup}`;
}

export function fileTable(entries: FileEntry[]): string {
  return table(
    ['MODE', 'SIZE', 'MODIFIED', 'NAME'],
    entries.map((entry) => [
      `${TYPE_LETTER[entry.type]}${entry.mode}`,
      String(entry.size),
      timestamp(entry.modifiedAt),
      entry.type === 'directory' ? `${entry.name}/` : entry.name,
    ]),
  );
}

const TYPE_LETTER: Record<FileEntry['type'], string> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  other: '?',
};

export function eventTable(events: SandboxEvent[]): string {
  return table(
    ['VERSION', 'AT', 'TYPE', 'DATA'],
    events.map((event) => [
      String(event.version),
      timestamp(event.at),
      event.type,
      Object.keys(event.data).length > 0 ? JSON.stringify(event.data) : '',
    ]),
  );
}

/** ISO 8601 to the second, in UTC: stable whatever the reader's zone. */
export function timestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const GIB = 1024 ** 3;

function gib(bytes: number): string {
  return `${Number((bytes / GIB).toFixed(1))} GiB`;
}

export const json = (value: unknown) => JSON.stringify(value, null, 2);
