import type { Isolation } from './isolation.ts';
import type { SandboxSize } from './sizes.ts';

/** Why a sandbox stopped; idle shutdown and failures add their own. */
export type StopReason = 'user' | 'restart' | 'idle' | 'failure';

export interface SandboxSettings {
  size: SandboxSize;
  autoShutdown: boolean;
  shutdownAfter: string;
}

export type SandboxEvent =
  | {
      type: 'SandboxCreated';
      data: SandboxSettings & {
        sandboxId: string;
        tenantId: string;
        name: string;
        image: string;
      };
    }
  | { type: 'SandboxStartRequested'; data: { reason: 'user' | 'wake' } }
  | { type: 'SandboxStarted'; data: { isolation: Isolation } }
  | { type: 'SandboxStartFailed'; data: { error: string } }
  | { type: 'SandboxStopRequested'; data: { reason: StopReason } }
  | { type: 'SandboxRestartRequested'; data: Record<string, never> }
  | { type: 'SandboxStopped'; data: { reason: StopReason } }
  | { type: 'SandboxUpdated'; data: Partial<SandboxSettings> }
  | { type: 'SandboxDeletionRequested'; data: Record<string, never> }
  | { type: 'SandboxDeleted'; data: Record<string, never> };

export type SandboxEventType = SandboxEvent['type'];

/** An event as it stands in a stream: numbered and dated. */
export type RecordedEvent<
  E extends { type: string; data: unknown } = SandboxEvent,
> = E & {
  version: number;
  at: string;
};
