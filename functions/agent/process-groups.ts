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

  /** Forgets groups with no member left (their ids cannot be reused). */
  prune(): void {
    for (const pid of this.groups) {
      if (!groupExists(pid)) this.groups.delete(pid);
    }
  }

  get size(): number {
    this.prune();
    return this.groups.size;
  }

  /** SIGTERM every group, then SIGKILL what is left after a grace. */
  async terminate(graceMs = TERMINATE_GRACE_MS): Promise<void> {
    this.prune();
    for (const pid of this.groups) signalGroup(pid, 'SIGTERM');

    const deadline = Date.now() + graceMs;
    while (this.size > 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, POLL_MS));
    }
    for (const pid of this.groups) signalGroup(pid, 'SIGKILL');
    this.groups.clear();
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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Every member has exited already.
  }
}
