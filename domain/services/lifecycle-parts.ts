import type { ActivityStore } from '../ports/activity-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import type { SandboxRuntime } from '../ports/sandbox-runtime.ts';
import type { NameRegistry } from '../ports/sandbox-views.ts';
import type { SnapshotStore } from '../ports/snapshot-store.ts';
import type { SandboxCommandHandler } from './command-handler.ts';

/** What the lifecycle's flows act through. */
export interface LifecycleParts {
  handler: SandboxCommandHandler;
  runtime: SandboxRuntime;
  snapshots: SnapshotStore;
  names: NameRegistry;
  activity: ActivityStore;
  ids: Pick<IdGenerator, 'snapshotId'>;
  clock: Clock;
  log: Log;
  /**
   * Carries out an export once it is asked for (the transfer jobs);
   * without it, export requests are recorded and nothing copies them.
   */
  exporter?: (exportId: string) => Promise<void>;
}
