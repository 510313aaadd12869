import type { SandboxEvent } from '../../domain/sandbox/events.ts';
import type { Isolation } from '../../domain/sandbox/isolation.ts';
import type { SnapshotKind } from '../../domain/snapshots/snapshot.ts';

export const isolation: Isolation = {
  mode: 'namespaces',
  namespaces: ['mount', 'pid', 'ipc', 'uts'],
  cpu: 'enforced',
  memory: 'enforced',
  disk: 'not-enforced',
  cgroup: 'v1',
  warnings: [],
};

export const created = (
  overrides: Partial<
    Extract<SandboxEvent, { type: 'SandboxCreated' }>['data']
  > = {},
): SandboxEvent => ({
  type: 'SandboxCreated',
  data: {
    sandboxId: 'sbx-1',
    tenantId: 'tenant-a',
    name: 'agent-one',
    image: 'host',
    size: 'medium',
    autoShutdown: true,
    shutdownAfter: '1h',
    idleCpuPercent: 5,
    snapshotRetention: { retention: '7d', maxSnapshots: 100 },
    ...overrides,
  },
});

export const started: SandboxEvent = {
  type: 'SandboxStarted',
  data: { isolation },
};
export const stopRequested: SandboxEvent = {
  type: 'SandboxStopRequested',
  data: { reason: 'user' },
};
export const stopped: SandboxEvent = {
  type: 'SandboxStopped',
  data: { reason: 'user' },
};
export const deletionRequested: SandboxEvent = {
  type: 'SandboxDeletionRequested',
  data: {},
};
export const deleted: SandboxEvent = { type: 'SandboxDeleted', data: {} };

/** The events of a sandbox that was created and is running. */
export const running = [created(), started];
/** ... and was then stopped by its user. */
export const stoppedSandbox = [...running, stopRequested, stopped];

let snapshotCount = 0;

/** A snapshot requested and completed, in two events. */
export function snapshotTaken(
  options: { id?: string; name?: string | null; kind?: SnapshotKind } = {},
): SandboxEvent[] {
  const snapshotId = options.id ?? `snap-${++snapshotCount}`;
  return [
    {
      type: 'SnapshotRequested',
      data: {
        snapshotId,
        name: options.name ?? null,
        kind: options.kind ?? 'auto',
      },
    },
    {
      type: 'SnapshotCompleted',
      data: { snapshotId, sizeBytes: 10, changedBytes: 5, fileCount: 2 },
    },
  ];
}
