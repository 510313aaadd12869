/**
 * One queue of side-effect jobs per sandbox: runtime and snapshot work on
 * a sandbox happens one job at a time, in the order its events came.
 * Jobs may enqueue more jobs (a stop that ends in a restart); `settled`
 * waits until the queue is empty, which is how a local request answers
 * with the outcome rather than the intent.
 */
export class SandboxJobs {
  private readonly tails = new Map<string, Promise<void>>();
  /** The first failure of each queue since it was last asked about. */
  private readonly failures = new Map<string, unknown>();

  constructor(
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  enqueue(key: string, job: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(job).catch((error: unknown) => {
      if (!this.failures.has(key)) this.failures.set(key, error);
      this.onError(key, error);
    });
    this.tails.set(key, next);
  }

  /** Queues a job and resolves (or rejects) with its own outcome. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(key, () => job().then(resolve, reject));
    });
  }

  async settled(key: string): Promise<void> {
    for (;;) {
      const tail = this.tails.get(key);
      if (!tail) return;

      await tail;
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
        return;
      }
    }
  }

  /**
   * Like settled, then throws the first failure since the last call: a
   * stream consumer reports that record so that it is delivered again.
   */
  async settledOrThrow(key: string): Promise<void> {
    await this.settled(key);
    const failure = this.failures.get(key);
    this.failures.delete(key);
    if (failure !== undefined) throw failure;
  }

  /** Waits for every queue, e.g. before the platform exits. */
  async drain(): Promise<void> {
    await Promise.all([...this.tails.keys()].map((key) => this.settled(key)));
  }
}
