import { describe, it } from 'vitest';
import { IllegalStateError, NotFoundError } from '../../domain/errors.ts';
import {
  created,
  deleted,
  deletionRequested,
  isolation,
  running,
  started,
  stopped,
  stoppedSandbox,
  stopRequested,
} from '../support/builders.ts';
import { given } from '../support/given-when-then.ts';

const create = {
  type: 'CreateSandbox',
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
  },
} as const;

const start = { type: 'StartSandbox', data: { reason: 'user' } } as const;
const stop = { type: 'StopSandbox', data: { reason: 'user' } } as const;
const restart = { type: 'RestartSandbox', data: {} } as const;
const remove = { type: 'DeleteSandbox', data: {} } as const;
const recordStopped = { type: 'RecordSandboxStopped', data: {} } as const;

describe('creating a sandbox', () => {
  it('records its settings on a new stream', () => {
    given().when(create).thenEvents([created()]);
  });

  it('refuses a second create on the same stream', () => {
    given(created()).when(create).thenFails(IllegalStateError, 'exists');
  });

  it('reports a command on a stream that was never created as missing', () => {
    given().when(start).thenFails(NotFoundError, 'no such sandbox');
  });
});

describe('starting', () => {
  it('asks the runtime to start a stopped sandbox', () => {
    given(...stoppedSandbox)
      .when({ type: 'StartSandbox', data: { reason: 'wake' } })
      .thenEvents([
        { type: 'SandboxStartRequested', data: { reason: 'wake' } },
      ]);
  });

  it('does nothing for a sandbox that runs or is starting', () => {
    given(...running)
      .when(start)
      .thenEvents([]);
    given(created()).when(start).thenEvents([]);
  });

  it('refuses while a stop is in progress', () => {
    given(...running, stopRequested)
      .when(start)
      .thenFails(IllegalStateError, 'while it is stopping');
  });

  it('refuses a deleted sandbox', () => {
    given(...running, deletionRequested, deleted)
      .when(start)
      .thenFails(IllegalStateError, 'it is deleted');
  });

  it('records the isolation the runtime reports once started', () => {
    given(created())
      .when({ type: 'RecordSandboxStarted', data: { isolation } })
      .thenEvents([started]);
  });

  it('ignores a late start report after a stop was asked for', () => {
    given(created(), stopRequested)
      .when({ type: 'RecordSandboxStarted', data: { isolation } })
      .thenEvents([]);
  });

  it('records a failed start', () => {
    given(created())
      .when({ type: 'RecordSandboxStartFailed', data: { error: 'no disk' } })
      .thenEvents([{ type: 'SandboxStartFailed', data: { error: 'no disk' } }]);
  });
});

describe('stopping', () => {
  it('asks the runtime to stop a running sandbox', () => {
    given(...running)
      .when(stop)
      .thenEvents([stopRequested]);
  });

  it('can stop a sandbox that is still starting', () => {
    given(created()).when(stop).thenEvents([stopRequested]);
  });

  it('is a no-op when stopped or already stopping', () => {
    given(...stoppedSandbox)
      .when(stop)
      .thenEvents([]);
    given(...running, stopRequested)
      .when(stop)
      .thenEvents([]);
  });

  it('records the stop with the reason it was asked for', () => {
    given(...running, {
      type: 'SandboxStopRequested',
      data: { reason: 'idle' },
    })
      .when(recordStopped)
      .thenEvents([{ type: 'SandboxStopped', data: { reason: 'idle' } }]);
  });

  it('ignores a stop report for a sandbox that is not stopping', () => {
    given(...running)
      .when(recordStopped)
      .thenEvents([]);
  });

  it('refuses a sandbox being deleted', () => {
    given(...running, deletionRequested)
      .when(stop)
      .thenFails(IllegalStateError, 'it is deleting');
  });
});

describe('restarting', () => {
  it('stops a running sandbox and then starts it again', () => {
    const restarting = { type: 'SandboxRestartRequested', data: {} } as const;
    given(...running)
      .when(restart)
      .thenEvents([restarting]);
    given(...running, restarting)
      .when(recordStopped)
      .thenEvents([
        { type: 'SandboxStopped', data: { reason: 'restart' } },
        { type: 'SandboxStartRequested', data: { reason: 'user' } },
      ]);
  });

  it('starts a stopped sandbox', () => {
    given(...stoppedSandbox)
      .when(restart)
      .thenEvents([
        { type: 'SandboxStartRequested', data: { reason: 'user' } },
      ]);
  });

  it('refuses while a plain stop is in progress', () => {
    given(...running, stopRequested)
      .when(restart)
      .thenFails(IllegalStateError, 'while it is stopping');
  });
});

describe('updating', () => {
  it('records only what changes', () => {
    given(...running)
      .when({
        type: 'UpdateSandbox',
        data: { size: 'large', autoShutdown: true, shutdownAfter: '15m' },
      })
      .thenEvents([
        {
          type: 'SandboxUpdated',
          data: { size: 'large', shutdownAfter: '15m' },
        },
      ]);
  });

  it('records nothing when nothing changes', () => {
    given(...running)
      .when({ type: 'UpdateSandbox', data: { size: 'medium' } })
      .thenEvents([]);
  });

  it('refuses a deleted sandbox', () => {
    given(...running, deletionRequested, deleted)
      .when({ type: 'UpdateSandbox', data: { size: 'large' } })
      .thenFails(IllegalStateError, 'cannot update');
  });
});

describe('deleting', () => {
  it('asks the runtime to remove the sandbox, once', () => {
    given(...running)
      .when(remove)
      .thenEvents([deletionRequested]);
    given(...running, deletionRequested)
      .when(remove)
      .thenEvents([]);
    given(...running, deletionRequested, deleted)
      .when(remove)
      .thenEvents([]);
  });

  it('can delete a stopped sandbox', () => {
    given(...running, stopRequested, stopped)
      .when(remove)
      .thenEvents([deletionRequested]);
  });

  it('records the deletion once the runtime is done', () => {
    given(...running, deletionRequested)
      .when({ type: 'RecordSandboxDeleted', data: {} })
      .thenEvents([deleted]);
  });
});
