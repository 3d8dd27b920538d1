/**
 * Which of two ways of running a dense model serves a batch: the plain-JavaScript forward pass
 * (no fixed cost, but scalar arithmetic) or TensorFlow.js (a fixed cost of tensors and kernel
 * dispatch, then vectorised kernels). Which is faster depends on the model's size, the batch
 * and the backend: on this project's reference machine (wasm backend) the JavaScript pass wins
 * at every batch size for an Iris MLP (4 -> 32 -> 3) but only below 16 rows for a 60 -> 64 ->
 * 32 -> 2 MLP, whose 1000-row batch it runs 7x slower. So the choice is measured per model
 * after load, on the machine that serves it, instead of being fixed.
 */
import type { ForwardPass } from './forward-pass.ts';

/** Both passes' time for one batch size: the fastest of a few runs each, the least disturbed by noise. */
export interface BatchTiming {
  rows: number;
  javascriptMs: number;
  tensorflowMs: number;
}

/** Batch sizes tried at load; bulk requests beyond the largest behave as the largest. */
export const CALIBRATION_ROWS = [1, 4, 16, 64, 256, 1024] as const;
const RUNS = 5;
// Calls of each pass before timing: a cold JavaScript pass runs unoptimised, several times
// slower than once V8 has compiled its loops, which would hand TensorFlow.js batches it loses.
const WARM_UP_CALLS = 30;
const WARM_UP_ROWS = 32;
// The timing shares the event loop with requests, so every part of it is bounded in time, not
// only in calls: a huge model gets fewer runs, never a long stall. And one slow
// JavaScript run settles it: larger batches only widen TensorFlow.js's lead.
const BUDGET_MS = 20;

function fastest(run: () => unknown): number {
  let best = Infinity;
  const started = performance.now();
  for (let i = 0; i < RUNS && performance.now() - started < BUDGET_MS; i++) {
    const runStarted = performance.now();
    run();
    best = Math.min(best, performance.now() - runStarted);
  }
  return best;
}

/**
 * The timing as steps, each one call of a pass or one size's timing of one pass (at most about
 * 20 ms, a few ms for a small model), so that a caller may run them back to back or yield to
 * the event loop between them: a request arriving meanwhile waits for one step at most.
 */
function* timingSteps(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  width: number,
  sizes: readonly number[],
  timings: BatchTiming[],
): Generator<void> {
  // Deterministic, varied inputs: the arithmetic costs the same whatever the values.
  const inputs = (rows: number) => Float32Array.from({ length: rows * width }, (_, i) => ((i * 7919) % 1000) / 1000);
  const warm = inputs(WARM_UP_ROWS);
  // The warm-up's budget counts its own calls only, not the requests served between them.
  let warmingMs = 0;
  for (let i = 0; i < WARM_UP_CALLS && warmingMs < BUDGET_MS; i++) {
    for (const pass of [javascript, tensorflow]) {
      const started = performance.now();
      pass(warm, WARM_UP_ROWS);
      warmingMs += performance.now() - started;
      yield;
    }
  }
  for (const rows of sizes) {
    const x = inputs(rows);
    const javascriptMs = fastest(() => javascript(x, rows));
    yield;
    const tensorflowMs = fastest(() => tensorflow(x, rows));
    timings.push({ rows, javascriptMs, tensorflowMs });
    if (javascriptMs > BUDGET_MS) break;
    yield;
  }
}

/**
 * Times both passes, warmed up, on `width`-wide inputs at growing batch sizes: a few ms for a
 * small model, at most a few hundred for a huge one (each part is held to about 20 ms).
 */
export function timeForwardPasses(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  width: number,
  sizes: readonly number[] = CALIBRATION_ROWS,
): BatchTiming[] {
  const timings: BatchTiming[] = [];
  const steps = timingSteps(javascript, tensorflow, width, sizes, timings);
  while (!steps.next().done);
  return timings;
}

/** The same timing, yielding to the event loop between steps so requests run in between. */
export async function timeForwardPassesInTurns(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  width: number,
  sizes: readonly number[] = CALIBRATION_ROWS,
): Promise<BatchTiming[]> {
  const timings: BatchTiming[] = [];
  const steps = timingSteps(javascript, tensorflow, width, sizes, timings);
  do await new Promise((resolve) => setImmediate(resolve));
  while (!steps.next().done);
  return timings;
}

/**
 * Until a model's passes are timed: TensorFlow.js from this many rows, about where the two
 * cross for the small MLPs measured on the reference machine (BENCHMARKS.md), so one-row
 * requests take the JavaScript pass from the start.
 */
export const UNTIMED_TENSORFLOW_FROM = 16;

/**
 * A pass that serves at once with the untimed threshold and switches to the measured one when
 * the timing ends. The timing runs in turns, begun by `calibrate()` (its later calls return the
 * same promise): the caller begins it once the version has answered its first batch, so that
 * neither the load nor the first request waits for it, and a version loaded but never asked is
 * never timed. The promise resolves with the threshold in use once the timing ends (the untimed
 * one if it failed, e.g. because the model was unloaded meanwhile). `steady` keeps the untimed
 * threshold for good, for answers that must repeat exactly (the two passes' float sums differ in
 * the last bits).
 */
export function calibratingForwardPass(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  width: number,
): { forward: ForwardPass; steady: ForwardPass; calibrate(): Promise<number> } {
  let tensorflowFrom = UNTIMED_TENSORFLOW_FROM;
  let calibrated: Promise<number> | undefined;
  return {
    forward: (x, rows) => (rows >= tensorflowFrom ? tensorflow(x, rows) : javascript(x, rows)),
    steady: chooseForwardPass(javascript, tensorflow, UNTIMED_TENSORFLOW_FROM),
    calibrate: () =>
      (calibrated ??= timeForwardPassesInTurns(javascript, tensorflow, width).then(
        (timings) => (tensorflowFrom = tensorflowFromRows(timings)),
        () => tensorflowFrom,
      )),
  };
}

/**
 * The smallest batch that should run on TensorFlow.js (Infinity when it never was faster):
 * from the first timed size at which it was faster and stayed faster at every larger size,
 * back to where the two passes' times, taken as linear in rows between that size and the one
 * before, cross. Both costs are close to linear in rows (TensorFlow.js plus a fixed cost), and
 * the sizes timed are a factor of four apart. Beyond the sizes timed, the last verdict holds.
 */
export function tensorflowFromRows(timings: readonly BatchTiming[]): number {
  let first = timings.length;
  while (first > 0 && timings[first - 1]!.tensorflowMs < timings[first - 1]!.javascriptMs) first--;
  if (first === timings.length) return Infinity;
  const won = timings[first]!;
  const lost = timings[first - 1];
  if (lost === undefined) return won.rows;
  // JavaScript's lead at the smaller size and TensorFlow.js's at the larger one.
  const lead = lost.tensorflowMs - lost.javascriptMs;
  const behind = won.javascriptMs - won.tensorflowMs;
  return Math.ceil(lost.rows + ((won.rows - lost.rows) * lead) / (lead + behind));
}

/** One pass that sends each batch to whichever pass is faster at its size. */
export function chooseForwardPass(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  tensorflowFrom: number,
): ForwardPass {
  if (tensorflowFrom === Infinity) return javascript;
  return (x, rows) => (rows >= tensorflowFrom ? tensorflow(x, rows) : javascript(x, rows));
}
