import { readdirSync, readFileSync } from 'node:fs';

/** How long SIGTERMed groups get to exit before they are SIGKILLed. */
const TERMINATE_GRACE_MS = 3000;
const POLL_MS = 50;

/**
 * The process groups the agent started (one per exec, one per file
 * tool). Background jobs stay in their exec's group, so killing every
 * group on shutdown leaves nothing of the agent's behind.
 */
export class ProcessGroups {
  private readonly groups = new Set<number>();

  add(pid: number): void {
    this.groups.add(pid);
  }

  /**
   * Forgets groups with no member left (their ids are not reused while
   * one is). Cheap: one kill(2) per group, so it runs after every exec.
   */
  prune(): void {
    for (const pid of this.groups) {
      if (!groupExists(pid)) this.groups.delete(pid);
    }
  }

  /** SIGTERM every group, then SIGKILL what is left after a grace. */
  async terminate(graceMs = TERMINATE_GRACE_MS): Promise<void> {
    this.prune();
    for (const pid of this.groups) signalGroup(pid, 'SIGTERM');

    const deadline = Date.now() + graceMs;
    while (this.anyAlive() && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, POLL_MS));
    }
    for (const pid of this.groups) signalGroup(pid, 'SIGKILL');
    this.groups.clear();
  }

  /** Whether a group has a member that still runs (a scan of /proc). */
  private anyAlive(): boolean {
    this.prune();
    if (this.groups.size === 0) return false;
    const living = livingGroups();
    return [...this.groups].some((pid) => living.has(pid));
  }
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal (it changed user).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ids of process groups with a member that is not a zombie. A killed
 * orphan stays a zombie until its reaper gets to it, and still counts
 * for kill(-pgid, 0); /proc tells the dead apart.
 */
function livingGroups(): Set<number> {
  const living = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After "pid (comm) ": state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') living.add(Number(pgrp));
    } catch {
      // It exited while we looked.
    }
  }
  return living;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Every member has exited already.
  }
}
