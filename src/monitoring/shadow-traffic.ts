/**
 * Runs shadow requests after their answers have gone: `offer` only queues (dropping, and
 * counting, past `maxQueue`), and the queue is worked off from a later turn of the event loop,
 * a few at a time, so a shadow never adds to a caller's latency and never competes with the
 * request it copies before that request's answer is written.
 */
export class ShadowTraffic {
  private readonly queue: (() => Promise<unknown>)[] = [];
  private running = 0;
  private waiters: (() => void)[] = [];
  /** Shadow requests dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly opts: { maxQueue: number; concurrency: number }) {}

  offer(run: () => Promise<unknown>): void {
    if (this.queue.length >= this.opts.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push(run);
    setImmediate(() => this.pump());
  }

  /** Resolves once every queued shadow request has run (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.queue.length > 0) {
      const run = this.queue.shift()!;
      this.running++;
      void run()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          if (this.queue.length === 0 && this.running === 0) for (const wake of this.waiters.splice(0)) wake();
        });
    }
  }
}
