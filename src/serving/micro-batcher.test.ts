import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, ValidationError } from '../errors.ts';
import type { BatchStats } from '../observability/serving-events.ts';
import { MicroBatcher, type BatchClock, type MicroBatcherOptions } from './micro-batcher.ts';

interface Row {
  caller: number;
  index: number;
}

/** A model whose output names the instance it came from, so misrouted rows are visible. */
function echoModel() {
  const calls: Row[][] = [];
  const run = (items: Row[]) => {
    calls.push(items);
    return items.map((row) => `caller ${row.caller} row ${row.index}`);
  };
  return { calls, run };
}

function rows(caller: number, count: number): Row[] {
  return Array.from({ length: count }, (_, index) => ({ caller, index }));
}

/** A run that stays pending until the test lets it go, to hold the batcher busy. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * Time that moves only when the test moves it, so a batch's wait elapses exactly when the test
 * says, however busy the machine is (on the real clock a slow turn ran a batch early).
 */
function manualClock(): BatchClock & { elapse(ms: number): Promise<void>; readonly waits: number } {
  let now = 0;
  let waits: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    after(ms, run) {
      const wait = { at: now + ms, run };
      waits.push(wait);
      return () => {
        waits = waits.filter((other) => other !== wait);
      };
    },
    /**
     * Lets the batcher settle (its promise reactions), moves time on by `ms`, runs the waits
     * due, and lets it settle again.
     */
    async elapse(ms) {
      await settled();
      now += ms;
      const due = waits.filter((wait) => wait.at <= now);
      waits = waits.filter((wait) => wait.at > now);
      for (const wait of due) wait.run();
      await settled();
    },
    get waits() {
      return waits.length;
    },
  };
}

/** Resolves once every pending promise reaction has run: setImmediate follows the microtask queue. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The set-up most tests share: an echo model behind a batcher on a manual clock, with room for
 * 1000 queued instances unless a test says otherwise.
 */
function echoBatcher(
  options: Omit<MicroBatcherOptions<Row, string>, 'maxQueue' | 'run' | 'clock'> & { maxQueue?: number },
) {
  const model = echoModel();
  const clock = manualClock();
  const batcher = new MicroBatcher<Row, string>({ maxQueue: 1000, run: model.run, clock, ...options });
  return { model, clock, batcher };
}

/** Which caller each row of each model call came from: the shape of the batches that ran. */
function callersPerCall(calls: Row[][]): number[][] {
  return calls.map((call) => call.map((row) => row.caller));
}

describe('MicroBatcher', () => {
  it('gives each of many concurrent callers exactly its own outputs, in order', async () => {
    const { model, clock, batcher } = echoBatcher({ maxBatchSize: 8, maxWaitMs: 5 });
    const sizes = [1, 3, 2, 7, 1, 5, 4, 8, 2, 6, 1, 3];

    const answers = Promise.all(sizes.map((size, caller) => batcher.submit(rows(caller, size))));
    // Full batches run at once; the rest, fewer than 8 rows, waits for company until its wait elapses.
    await clock.elapse(5);
    const results = await answers;

    sizes.forEach((size, caller) => {
      expect(results[caller]).toEqual(rows(caller, size).map((row) => `caller ${row.caller} row ${row.index}`));
    });
    expect(model.calls.length).toBeLessThan(sizes.length);
    for (const call of model.calls) expect(call.length).toBeLessThanOrEqual(8);
  });

  it('coalesces concurrent requests into one model call', async () => {
    const batches: BatchStats[] = [];
    const { model, clock, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 5, onBatch: (s) => batches.push(s) });

    const answers = Promise.all([0, 1, 2, 3, 4].map((caller) => batcher.submit(rows(caller, 2))));
    await clock.elapse(4);
    expect(model.calls).toHaveLength(0);
    await clock.elapse(1);
    await answers;

    expect(model.calls).toHaveLength(1);
    expect(batches).toMatchObject([{ size: 10, requests: 5, waitMs: 5, requestWaitsMs: [5, 5, 5, 5, 5], ok: true }]);
  });

  it('runs a request larger than maxBatchSize alone and whole', async () => {
    const { model, clock, batcher } = echoBatcher({ maxBatchSize: 4, maxWaitMs: 5 });

    const answers = Promise.all([batcher.submit(rows(0, 1)), batcher.submit(rows(1, 10)), batcher.submit(rows(2, 2))]);
    await clock.elapse(5); // the last request, 2 rows of 4, waits for company
    const [small, big, after] = await answers;

    expect(small).toEqual(['caller 0 row 0']);
    expect(big).toHaveLength(10);
    expect(big?.[9]).toBe('caller 1 row 9');
    expect(after).toEqual(['caller 2 row 0', 'caller 2 row 1']);
    expect(callersPerCall(model.calls)).toEqual([[0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2]]);
  });

  it('runs a lone request at once, without its wait, when no more requests are expected', async () => {
    // The lone request may wait for this turn's I/O (setImmediate), never for its wait.
    const { clock, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 1000, expectMore: () => false });

    // Time never moves: the request can only be answered if it did not wait.
    expect(await batcher.submit(rows(0, 2))).toEqual(['caller 0 row 0', 'caller 0 row 1']);
    expect(clock.waits).toBe(0);
  });

  it('waits for expected requests, and runs them together once the last one has joined', async () => {
    let expected = 3;
    const { model, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 1000, expectMore: () => expected > 0 });

    const answers = [0, 1, 2].map((caller) => {
      expected -= 1;
      return batcher.submit(rows(caller, 1));
    });
    await Promise.all(answers);

    expect(callersPerCall(model.calls)).toEqual([[0, 1, 2]]);
  });

  it('runs the queue when an expected request gives up instead of joining', async () => {
    let expected = 2;
    const { model, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 1000, expectMore: () => expected > 0 });

    expected -= 1;
    const answer = batcher.submit(rows(0, 1));
    expect(model.calls).toHaveLength(0);
    expected -= 1; // the other request failed validation before reaching the batcher
    batcher.poke();

    expect(await answer).toEqual(['caller 0 row 0']);
  });

  it('coalesces requests that join in the same event-loop turn when none is expected', async () => {
    const { model, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 1000, expectMore: () => false });

    // As a busy server does: several requests reach the queue one after another without yielding.
    await Promise.all([0, 1, 2].map((caller) => batcher.submit(rows(caller, 1))));

    expect(callersPerCall(model.calls)).toEqual([[0, 1, 2]]);
  });

  it('with maxWaitMs 0 runs every request in a model call of its own', async () => {
    const model = echoModel();
    const batcher = new MicroBatcher<Row, string>({ maxBatchSize: 64, maxWaitMs: 0, maxQueue: 1000, run: model.run });

    await Promise.all([0, 1, 2, 3, 4].map((caller) => batcher.submit(rows(caller, 2))));

    expect(callersPerCall(model.calls)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('holds a lone request for company no longer than maxWaitMs, then runs it alone', async () => {
    const { model, clock, batcher } = echoBatcher({ maxBatchSize: 64, maxWaitMs: 10 });
    let result: string[] | undefined;
    void batcher.submit(rows(0, 1)).then((outputs) => (result = outputs));

    await clock.elapse(9);
    expect(model.calls).toHaveLength(0);
    await clock.elapse(1);

    expect(result).toEqual(['caller 0 row 0']);
    expect(model.calls).toEqual([rows(0, 1)]);
  });

  it('runs at once, without waiting, when a full batch is queued', async () => {
    const { model, clock, batcher } = echoBatcher({ maxBatchSize: 4, maxWaitMs: 1000 });

    const pending = Promise.all([batcher.submit(rows(0, 2)), batcher.submit(rows(1, 2))]);

    // Time stands still: the run was started by the full batch, not by its wait.
    expect(clock.waits).toBe(0);
    expect(model.calls).toHaveLength(1);
    expect((await pending).flat()).toHaveLength(4);
  });

  it('rejects at once with a 503 overloaded error when the queue is full, and serves the rest', async () => {
    const busy = gate();
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueue: 4,
      retryAfterSeconds: 2,
      run: async (items) => {
        calls.push(items);
        await busy.opened;
        return items.map((x) => x * 10);
      },
    });
    const running = batcher.submit([1]); // runs, and holds the batcher busy
    const queued = [batcher.submit([2, 3]), batcher.submit([4, 5])]; // 4 instances wait: full

    const rejected = await batcher.submit([6]).catch((error: unknown) => error);

    expect(rejected).toBeInstanceOf(ServiceUnavailableError);
    expect(rejected).toMatchObject({ status: 503, code: 'overloaded', retryAfterSeconds: 2 });
    expect(batcher.depth).toEqual({ instances: 4, requests: 2, running: true });
    busy.open();
    expect(await Promise.all([running, ...queued])).toEqual([[10], [20, 30], [40, 50]]);
    expect(calls.flat()).not.toContain(6);
  });

  it('rejects every caller of a batch whose run throws, and only them', async () => {
    const clock = manualClock();
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 5,
      maxQueue: 100,
      run: (items) => {
        if (items.includes(-1)) throw new Error('tensor shape mismatch');
        return items.map((x) => x + 1);
      },
      clock,
    });

    const settling = Promise.allSettled([batcher.submit([1]), batcher.submit([-1]), batcher.submit([3])]);
    await clock.elapse(5); // the third request runs alone, after its wait
    const results = await settling;

    expect(results[0]).toMatchObject({ status: 'rejected', reason: { message: 'tensor shape mismatch' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'tensor shape mismatch' } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: [4] });
  });

  it('rejects the whole batch when run returns the wrong number of outputs', async () => {
    const clock = manualClock();
    const batches: BatchStats[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxWaitMs: 5,
      maxQueue: 100,
      run: async (items) => items.slice(1),
      onBatch: (s) => batches.push(s),
      clock,
    });

    const settling = Promise.allSettled([batcher.submit([1, 2]), batcher.submit([3])]);
    await clock.elapse(5);
    const results = await settling;

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(batches).toMatchObject([{ size: 3, requests: 2, ok: false }]);
  });

  it('fails only the request with an invalid instance, before it joins a batch', async () => {
    const { model, clock, batcher } = echoBatcher({
      maxBatchSize: 64,
      maxWaitMs: 5,
      maxQueue: 100,
      validate: (items) => {
        const bad = items.findIndex((row) => row.index < 0);
        if (bad >= 0)
          throw new ValidationError('Invalid instance.', [{ path: `instances.${bad}`, message: 'negative index' }]);
      },
    });

    const settling = Promise.allSettled([
      batcher.submit(rows(0, 2)),
      batcher.submit([
        { caller: 1, index: 0 },
        { caller: 1, index: -1 },
      ]),
      batcher.submit(rows(2, 1)),
    ]);
    await clock.elapse(5);
    const results = await settling;

    expect(results[0]).toEqual({ status: 'fulfilled', value: ['caller 0 row 0', 'caller 0 row 1'] });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'validation_failed', issues: [{ path: 'instances.1' }] },
    });
    expect(results[2]).toEqual({ status: 'fulfilled', value: ['caller 2 row 0'] });
    expect(model.calls.flat().map((row) => row.caller)).not.toContain(1);
  });

  it('keeps serving when the onBatch hook throws', async () => {
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxWaitMs: 0,
      maxQueue: 100,
      run: (items) => items,
      onBatch: () => {
        throw new Error('metrics broke');
      },
    });

    expect(await batcher.submit([1])).toEqual([1]);
    expect(await batcher.submit([2])).toEqual([2]);
  });
});
