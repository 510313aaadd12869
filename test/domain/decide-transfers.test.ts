import { describe, expect, it } from 'vitest';
import { IllegalStateError, NotFoundError } from '../../domain/errors.ts';
import type { SandboxCommand } from '../../domain/sandbox/commands.ts';
import type { SandboxEvent } from '../../domain/sandbox/events.ts';
import { evolveAll } from '../../domain/sandbox/state.ts';
import { snapshotsToCarry } from '../../domain/transfer/carry.ts';
import { running, snapshotTaken } from '../support/builders.ts';
import { given, recorded } from '../support/given-when-then.ts';
import { snapshotAt } from '../support/snapshots.ts';

const exportOf = (snapshotIds: string[]) =>
  ({
    type: 'RequestExport',
    data: { exportId: 'exp-1', targetRegion: 'eu-west-1', snapshotIds },
  }) as const;

const requested: SandboxEvent = {
  type: 'SandboxExportRequested',
  data: {
    exportId: 'exp-1',
    targetRegion: 'eu-west-1',
    snapshotIds: ['snap-a'],
  },
};

const imported = (
  importId = 'imp-1',
): Extract<SandboxCommand, { type: 'ImportSandbox' }> => ({
  type: 'ImportSandbox',
  data: {
    sandboxId: 'sbx-2',
    tenantId: 'tenant-a',
    name: 'moved',
    image: 'host',
    size: 'small',
    autoShutdown: true,
    shutdownAfter: '1h',
    idleCpuPercent: 5,
    snapshotRetention: { retention: '7d', maxSnapshots: 100 },
    snapshots: [snapshotAt('2026-12-01T10:00:00Z', { id: 'snap-a' })],
    importId,
    exportId: 'exp-1',
    source: '/exports/exp-1',
    sourceRegion: 'eu-west-1',
    sourceSandboxId: 'sbx-1',
  },
});

describe('exporting a sandbox', () => {
  it('records the request once, however often it is asked', () => {
    given(...running, ...snapshotTaken({ id: 'snap-a' }))
      .when(exportOf(['snap-a']))
      .thenEvents([requested]);
    given(...running, ...snapshotTaken({ id: 'snap-a' }), requested)
      .when(exportOf(['snap-a']))
      .thenEvents([]);
  });

  it('refuses to carry a snapshot that is not completed', () => {
    given(...running, ...snapshotTaken({ id: 'snap-a' }).slice(0, 1))
      .when(exportOf(['snap-a']))
      .thenFails(NotFoundError, 'no completed snapshot snap-a');
  });

  it('keeps the sandbox and its carried snapshots while exporting', () => {
    const exporting = [
      ...running,
      ...snapshotTaken({ id: 'snap-a' }),
      requested,
    ];
    given(...exporting)
      .when({ type: 'DeleteSandbox', data: {} })
      .thenFails(IllegalStateError, 'while it is being exported');
    given(...exporting)
      .when({ type: 'DeleteSnapshot', data: { snapshotId: 'snap-a' } })
      .thenFails(IllegalStateError, 'is being exported');
  });

  it('ends with the export done or failed, once', () => {
    const exporting = [
      ...running,
      ...snapshotTaken({ id: 'snap-a' }),
      requested,
    ];
    const done = {
      type: 'RecordExported',
      data: { exportId: 'exp-1', location: 's3://b/exports/exp-1' },
    } as const;
    given(...exporting)
      .when(done)
      .thenEvents([{ type: 'SandboxExported', data: done.data }]);
    given(...exporting, { type: 'SandboxExported', data: done.data })
      .when(done)
      .thenEvents([]);
  });
});

describe('importing a sandbox', () => {
  it('starts a stream stopped, with its history, booting from the newest', () => {
    given()
      .when(imported())
      .thenEvents([{ type: 'SandboxImported', data: imported().data }]);

    const state = evolveAll(
      undefined,
      recorded([{ type: 'SandboxImported', data: imported().data }]),
    );
    expect(state).toMatchObject({
      status: 'stopped',
      bootSnapshotId: 'snap-a',
      importedFrom: { importId: 'imp-1', sourceRegion: 'eu-west-1' },
    });
  });

  it('does nothing for the same import again, and refuses another', () => {
    const done: SandboxEvent = {
      type: 'SandboxImported',
      data: imported().data,
    };
    given(done).when(imported()).thenEvents([]);
    given(done).when(imported('imp-2')).thenFails(IllegalStateError, 'exists');
  });
});

describe('what an export carries', () => {
  const history = [
    snapshotAt('2026-12-01T10:00:00Z', { id: 'snap-1', name: 'one' }),
    snapshotAt('2026-12-02T10:00:00Z', { id: 'snap-2' }),
    snapshotAt('2026-12-03T10:00:00Z', { id: 'snap-3' }),
  ];

  it('takes the newest and everything before it by default', () => {
    expect(snapshotsToCarry(history, undefined).map((s) => s.id)).toEqual([
      'snap-1',
      'snap-2',
      'snap-3',
    ]);
  });

  it('stops at the snapshot asked for, by name or time', () => {
    expect(snapshotsToCarry(history, 'one').map((s) => s.id)).toEqual([
      'snap-1',
    ]);
    expect(
      snapshotsToCarry(history, '2026-12-02T12:00:00Z').map((s) => s.id),
    ).toEqual(['snap-1', 'snap-2']);
  });

  it('refuses a sandbox with nothing to carry', () => {
    expect(() => snapshotsToCarry([], undefined)).toThrow(IllegalStateError);
  });
});
