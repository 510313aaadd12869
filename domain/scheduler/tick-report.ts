/** What one invocation of the snapshot schedule did. */
export interface TickReport {
  slot: string;
  /** False when another invocation held the lease: nothing was done. */
  ran: boolean;
  /** Running sandboxes not yet served in this slot. */
  due: number;
  /** Due but unchanged since their newest snapshot: no provider call. */
  clean: number;
  issued: number;
  throttled: number;
  failed: number;
  /** Skipped because the volume has as many snapshots in flight as EBS allows. */
  atVolumeLimit: number;
  /** Due and changed, left for the next invocation (deadline reached). */
  remaining: number;
}

export const emptyReport = (slot: Date): TickReport => ({
  slot: slot.toISOString(),
  ran: false,
  due: 0,
  clean: 0,
  issued: 0,
  throttled: 0,
  failed: 0,
  atVolumeLimit: 0,
  remaining: 0,
});
