import { ServiceUnavailableError } from '../errors.ts';
import type { BatchStats } from '../observability/serving-events.ts';

/**
 * The batcher's sense of time: when a request joined, and a wait that ends later. Injected so
 * that tests decide when a wait has elapsed, whatever the machine's load; in production it is
 * `performance.now` and `setTimeout`.
 */
export interface BatchClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `run` once, `ms` from now; returns what cancels it. */
  after(ms: number, run: () => void): () => void;
}

const realClock: BatchClock = {
  now: () => performance.now(),
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** Options of {@link MicroBatcher}. */
export interface MicroBatcherOptions<I, O> {
  /** Most instances coalesced into one `run` call. A single larger request still runs, alone. */
  maxBatchSize: number;
  /** Longest a request waits for company before its batch runs; 0 disables coalescing. Default 2. */
  maxWaitMs?: number;
  /** Most instances allowed to wait (not counting the batch running); beyond it `submit` answers 503. */
  maxQueue: number;
  /** `Retry-After` hint carried by the overload error. Default 1. */
  retryAfterSeconds?: number;
  /** Runs the model on all instances of a batch; returns exactly one output per instance, in order. */
  run: (items: I[]) => Promise<O[]> | O[];
  /**
   * Checks one request's instances before it joins a queue; throw (e.g. a ValidationError) to
   * reject that request alone. Anything that can fail for one instance belongs here, not in `run`.
   */
  validate?: (items: readonly I[]) => void;
  /** Called after every batch, success or failure. Errors thrown here are ignored. */
  onBatch?: (stats: BatchStats) => void;
  /**
   * Whether more requests are on their way (e.g. past authentication, not yet queued). When it
   * answers false the queue runs at once instead of waiting `maxWaitMs` for company that is not
   * coming: a lone request is never held, and under load batches still fill. Default: always true.
   */
  expectMore?: () => boolean;
  /** Time for waits and queue-wait stats. Default: `performance.now` and `setTimeout`. */
  clock?: BatchClock;
}

interface PendingRequest<I, O> {
  items: I[];
  enqueuedAt: number;
  resolve: (outputs: O[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent prediction requests into batched model calls: a model call on N rows
 * costs far less than N calls on one row, so under load callers trade up to `maxWaitMs` of
 * latency for throughput. Each caller gets back exactly the outputs of its own instances.
 *
 * Only one batch runs at a time per batcher. On the WASM/CPU backends a model's tensor call
 * is synchronous on the event loop anyway, so concurrent runs would not overlap; letting
 * requests queue behind the running batch instead makes the next batch larger (fewer,
 * cheaper calls) and bounds the tensor memory a model holds at once.
 */
export class MicroBatcher<I, O> {
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxQueue: number;
  private readonly retryAfterSeconds: number;
  private readonly queue: PendingRequest<I, O>[] = [];
  private queuedInstances = 0;
  private running = false;
  private readonly clock: BatchClock;
  /** Cancels the head's pending wait, while one is pending. */
  private cancelWait: (() => void) | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    this.maxBatchSize = options.maxBatchSize;
    this.maxWaitMs = options.maxWaitMs ?? 2;
    this.maxQueue = options.maxQueue;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.clock = options.clock ?? realClock;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1)
      throw new RangeError('maxBatchSize must be an integer >= 1');
    if (!(this.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
    if (!Number.isInteger(this.maxQueue) || this.maxQueue < 1) throw new RangeError('maxQueue must be an integer >= 1');
  }

  /** Instances and requests waiting (not counting the batch running), e.g. for a gauge. */
  get depth(): { instances: number; requests: number; running: boolean } {
    return { instances: this.queuedInstances, requests: this.queue.length, running: this.running };
  }

  /**
   * Queues one request's instances and resolves with their outputs, in order. Rejects with
   * whatever `validate` threw, with a 503 `overloaded` ServiceUnavailableError when the queue
   * is full, or with the error of the batch's `run`.
   */
  submit(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    try {
      this.options.validate?.(items);
    } catch (error) {
      return Promise.reject(error);
    }
    // An empty queue admits any request, however large: rejecting it would be permanent, not
    // a transient overload a retry could get past. Callers cap instances per request anyway.
    if (this.queue.length > 0 && this.queuedInstances + items.length > this.maxQueue) {
      // The queue may have been waiting for this very request; it is not joining.
      this.schedule();
      return Promise.reject(
        new ServiceUnavailableError(
          'overloaded',
          `The prediction queue is full (${this.queuedInstances} instances waiting); retry shortly.`,
          this.retryAfterSeconds,
        ),
      );
    }
    return new Promise<O[]>((resolve, reject) => {
      // Copy: a caller reusing its array must not change what the batch sees.
      this.queue.push({ items: [...items], enqueuedAt: this.clock.now(), resolve, reject });
      this.queuedInstances += items.length;
      this.schedule();
    });
  }

  /** Re-checks the queue, e.g. after an expected request gave up before joining it. */
  poke(): void {
    this.schedule();
  }

  /** Decides whether the head of the queue runs now, after this turn's I/O, or after the rest of its wait. */
  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const oldest = this.queue[0];
    if (oldest === undefined) return;
    const remainingMs = this.maxWaitMs - (this.clock.now() - oldest.enqueuedAt);
    if (this.maxWaitMs === 0 || this.queuedInstances >= this.maxBatchSize || remainingMs <= 0) {
      this.clearTimers();
      void this.runNextBatch();
      return;
    }
    if (this.options.expectMore !== undefined && !this.options.expectMore()) {
      // Nobody is on the way, but requests already read in this event-loop turn may not have
      // been seen yet: a request goes from socket to queue without yielding, so each socket
      // of a busy server would otherwise get a model call of its own. setImmediate runs once
      // the turn's I/O is done: they join, and a lone request waits microseconds, not a timer.
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        if (!this.running && this.queue.length > 0) {
          this.clearTimers();
          void this.runNextBatch();
        }
      });
      return;
    }
    // The wait always belongs to the current head, so a lone request waits maxWaitMs at most.
    this.cancelWait ??= this.clock.after(remainingMs, () => {
      this.cancelWait = undefined;
      if (!this.running && this.queue.length > 0) void this.runNextBatch();
    });
  }

  private clearTimers(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  /** Takes whole requests, first come first served, while they fit; at least one. */
  private takeBatch(): PendingRequest<I, O>[] {
    const batch: PendingRequest<I, O>[] = [];
    let size = 0;
    for (;;) {
      const next = this.queue[0];
      if (next === undefined) break;
      if (batch.length > 0 && (this.maxWaitMs === 0 || size + next.items.length > this.maxBatchSize)) break;
      this.queue.shift();
      batch.push(next);
      size += next.items.length;
    }
    this.queuedInstances -= size;
    return batch;
  }

  private async runNextBatch(): Promise<void> {
    this.running = true;
    const batch = this.takeBatch();
    const startedAt = this.clock.now();
    const requestWaitsMs = batch.map((request) => startedAt - request.enqueuedAt);
    const items = batch.flatMap((request) => request.items);
    let ok = false;
    try {
      const outputs = await this.options.run(items);
      if (!Array.isArray(outputs) || outputs.length !== items.length) {
        throw new Error(
          `The model returned ${Array.isArray(outputs) ? outputs.length : 'no'} outputs for ${items.length} instances.`,
        );
      }
      ok = true;
      let offset = 0;
      for (const request of batch) {
        request.resolve(outputs.slice(offset, offset + request.items.length));
        offset += request.items.length;
      }
    } catch (error) {
      // The batch failed as a whole: every caller in it gets the error, nobody else does.
      for (const request of batch) request.reject(error);
    } finally {
      this.running = false;
      this.report({
        size: items.length,
        requests: batch.length,
        waitMs: requestWaitsMs.reduce((max, ms) => Math.max(max, ms), 0),
        requestWaitsMs,
        runMs: this.clock.now() - startedAt,
        ok,
      });
      this.schedule();
    }
  }

  private report(stats: BatchStats): void {
    try {
      this.options.onBatch?.(stats);
    } catch {
      // Metrics must never fail or stall predictions.
    }
  }
}
