import { describe, it } from 'vitest';
import {
  ConflictError,
  IllegalStateError,
  NotFoundError,
} from '../../domain/errors.ts';
import {
  deletionRequested,
  running,
  snapshotTaken,
  stoppedSandbox,
  stopRequested,
} from '../support/builders.ts';
import { given } from '../support/given-when-then.ts';

const request = (snapshotId: string, name: string | null = null) =>
  ({
    type: 'RequestSnapshot',
    data: { snapshotId, name, kind: name ? 'manual' : 'auto' },
  }) as const;

const restore = (snapshot: string, paths: string[] | null = null) =>
  ({
    type: 'RestoreSandbox',
    data: { snapshot, paths, preRestoreSnapshotId: 'snap-pre' },
  }) as const;

describe('taking snapshots', () => {
  it('records a provider accepting a snapshot once, then its completion', () => {
    const requested = snapshotTaken({ id: 'snap-1' }).slice(0, 1);
    const accepted = {
      type: 'RecordSnapshotStarted',
      data: { snapshotId: 'snap-1', providerId: 'snap-0abc' },
    } as const;

    given(...running, ...requested)
      .when(accepted)
      .thenEvents([{ type: 'SnapshotStarted', data: accepted.data }]);
    given(...running, ...requested, {
      type: 'SnapshotStarted',
      data: accepted.data,
    })
      .when(accepted)
      .thenEvents([]);
  });

  it('asks for no second snapshot under an id already requested', () => {
    given(...running, ...snapshotTaken({ id: 'snap-auto-20261203t100000z' }))
      .when(request('snap-auto-20261203t100000z'))
      .thenEvents([]);
  });

  it('records a request, then its completion', () => {
    given(...running)
      .when(request('snap-1', 'before-migration'))
      .thenEvents([
        {
          type: 'SnapshotRequested',
          data: {
            snapshotId: 'snap-1',
            name: 'before-migration',
            kind: 'manual',
          },
        },
      ]);
    given(...running, ...snapshotTaken({ id: 'snap-1' }).slice(0, 1))
      .when({
        type: 'RecordSnapshotCompleted',
        data: {
          snapshotId: 'snap-1',
          sizeBytes: 3,
          changedBytes: 1,
          fileCount: 1,
        },
      })
      .thenEvents([
        {
          type: 'SnapshotCompleted',
          data: {
            snapshotId: 'snap-1',
            sizeBytes: 3,
            changedBytes: 1,
            fileCount: 1,
          },
        },
      ]);
  });

  it('takes a request for the same id once', () => {
    given(...running, ...snapshotTaken({ id: 'snap-1' }))
      .when(request('snap-1'))
      .thenEvents([]);
  });

  it('refuses a second snapshot of the same name', () => {
    given(
      ...running,
      ...snapshotTaken({ id: 'snap-1', name: 'x', kind: 'manual' }),
    )
      .when(request('snap-2', 'x'))
      .thenFails(ConflictError, 'a snapshot named x exists (snap-1)');
  });

  it('refuses a snapshot of a sandbox being deleted', () => {
    given(...running, deletionRequested)
      .when(request('snap-1'))
      .thenFails(IllegalStateError, 'is deleting');
  });

  it('records a failure only for a pending snapshot', () => {
    given(...running, ...snapshotTaken({ id: 'snap-1' }))
      .when({
        type: 'RecordSnapshotFailed',
        data: { snapshotId: 'snap-1', error: 'disk full' },
      })
      .thenEvents([]);
  });
});

describe('deleting snapshots', () => {
  it('deletes a completed snapshot', () => {
    given(...running, ...snapshotTaken({ id: 'snap-1' }))
      .when({ type: 'DeleteSnapshot', data: { snapshotId: 'snap-1' } })
      .thenEvents([
        { type: 'SnapshotDeleted', data: { snapshotId: 'snap-1' } },
      ]);
  });

  it('reports an unknown snapshot as missing', () => {
    given(...running)
      .when({ type: 'DeleteSnapshot', data: { snapshotId: 'snap-x' } })
      .thenFails(NotFoundError, 'no snapshot snap-x');
  });

  it('refuses to delete a snapshot still being taken', () => {
    given(...running, ...snapshotTaken({ id: 'snap-1' }).slice(0, 1))
      .when({ type: 'DeleteSnapshot', data: { snapshotId: 'snap-1' } })
      .thenFails(IllegalStateError, 'still being taken');
  });
});

describe('restoring', () => {
  const history = [
    ...running,
    ...snapshotTaken({ id: 'snap-1', name: 'good', kind: 'manual' }),
  ];

  it('snapshots what it replaces, then restores and restarts', () => {
    given(...history)
      .when(restore('good', ['/home/agent/data']))
      .thenEvents([
        {
          type: 'SnapshotRequested',
          data: { snapshotId: 'snap-pre', name: null, kind: 'pre-restore' },
        },
        {
          type: 'RestoreRequested',
          data: {
            snapshotId: 'snap-1',
            paths: ['/home/agent/data'],
            restartAfter: true,
            preRestoreSnapshotId: 'snap-pre',
          },
        },
      ]);
  });

  it('leaves a stopped sandbox stopped after the restore', () => {
    const stopped = [...stoppedSandbox, ...snapshotTaken({ id: 'snap-9' })];
    given(...stopped, {
      type: 'RestoreRequested',
      data: {
        snapshotId: 'snap-9',
        paths: null,
        restartAfter: false,
        preRestoreSnapshotId: 'snap-pre',
      },
    })
      .when({
        type: 'RecordSandboxRestored',
        data: { rewritten: 4, bytesWritten: 100 },
      })
      .thenEvents([
        {
          type: 'SandboxRestored',
          data: {
            snapshotId: 'snap-9',
            paths: null,
            rewritten: 4,
            bytesWritten: 100,
          },
        },
      ]);
  });

  it('starts a sandbox that was running once restored', () => {
    given(...history, ...restoreRequested(true))
      .when({
        type: 'RecordSandboxRestored',
        data: { rewritten: 1, bytesWritten: 1 },
      })
      .thenEvents([
        {
          type: 'SandboxRestored',
          data: {
            snapshotId: 'snap-1',
            paths: null,
            rewritten: 1,
            bytesWritten: 1,
          },
        },
        { type: 'SandboxStartRequested', data: { reason: 'user' } },
      ]);
  });

  it('refuses a second restore while one is in progress', () => {
    given(...history, ...restoreRequested(true))
      .when(restore('good'))
      .thenFails(IllegalStateError, 'being restored');
  });

  it('refuses a restore while the sandbox is stopping', () => {
    given(...history, stopRequested)
      .when(restore('good'))
      .thenFails(IllegalStateError, 'while it is stopping');
  });

  it('refuses to delete the sandbox or the snapshot mid-restore', () => {
    given(...history, ...restoreRequested(true))
      .when({ type: 'DeleteSandbox', data: {} })
      .thenFails(IllegalStateError, 'being restored');
    given(...history, ...restoreRequested(true))
      .when({ type: 'DeleteSnapshot', data: { snapshotId: 'snap-1' } })
      .thenFails(IllegalStateError, 'in use by a restore');
  });
});

function restoreRequested(restartAfter: boolean) {
  return [
    {
      type: 'SnapshotRequested',
      data: { snapshotId: 'snap-pre', name: null, kind: 'pre-restore' },
    },
    {
      type: 'RestoreRequested',
      data: {
        snapshotId: 'snap-1',
        paths: null,
        restartAfter,
        preRestoreSnapshotId: 'snap-pre',
      },
    },
  ] as const;
}
