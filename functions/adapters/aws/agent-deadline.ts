/** Aborts a request that stays silent for too long. */
export class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  expired = false;

  constructor(private readonly ms: number) {
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(): void {
    if (this.settled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`no answer within ${this.ms} ms`));
    }, this.ms);
  }

  /** For good: an upload still draining must not re-arm it. */
  disarm(): void {
    this.settled = true;
    clearTimeout(this.timer);
  }

  /** A pass-through stream that gives the upload more time per chunk. */
  restartOnEachChunk(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        this.arm();
        controller.enqueue(chunk);
      },
    });
  }
}
