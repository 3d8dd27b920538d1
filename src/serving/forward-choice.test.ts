import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../ml/backend.ts';
import { buildModel } from '../models/build-model.ts';
import { denseForward } from './dense-forward.ts';
import {
  calibratingForwardPass,
  chooseForwardPass,
  tensorflowFromRows,
  timeForwardPasses,
  UNTIMED_TENSORFLOW_FROM,
} from './forward-choice.ts';
import { tensorflowPass, type ForwardPass } from './forward-pass.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

const timing = (rows: number, javascriptMs: number, tensorflowMs: number) => ({ rows, javascriptMs, tensorflowMs });

describe('tensorflowFromRows', () => {
  it('is where the times cross between the last size JavaScript won and the first TensorFlow.js won', () => {
    // JavaScript leads by 0.09 ms at 1 row, TensorFlow.js by 0.08 ms at 16: they cross at 1 + 15 * 0.09 / 0.17.
    expect(tensorflowFromRows([timing(1, 0.01, 0.1), timing(16, 0.2, 0.12), timing(256, 3, 0.5)])).toBe(
      Math.ceil(1 + (15 * 0.09) / 0.17),
    );
    // The Iris MLP of BENCHMARKS.md: JavaScript ahead at 256 rows, behind at 1024.
    expect(tensorflowFromRows([timing(256, 0.149, 0.329), timing(1024, 0.587, 0.462)])).toBe(
      Math.ceil(256 + (768 * 0.18) / (0.18 + 0.125)),
    );
  });

  it('is the smallest size timed when TensorFlow.js won them all', () => {
    expect(tensorflowFromRows([timing(16, 0.5, 0.2), timing(64, 2, 0.3)])).toBe(16);
  });

  it('ignores an early win that a larger size takes back', () => {
    const from = tensorflowFromRows([
      timing(1, 0.2, 0.1),
      timing(16, 0.1, 0.2),
      timing(256, 3, 0.5),
      timing(1024, 12, 1.5),
    ]);
    expect(from).toBeGreaterThan(16);
    expect(from).toBeLessThanOrEqual(256);
  });

  it('is Infinity when JavaScript is never slower, or nothing was timed', () => {
    expect(tensorflowFromRows([timing(1, 0.002, 0.08), timing(1024, 0.7, 0.73)])).toBe(Infinity);
    expect(tensorflowFromRows([])).toBe(Infinity);
  });
});

describe('chooseForwardPass', () => {
  const marked =
    (mark: number): ForwardPass =>
    (_x, rows) =>
      new Float32Array(rows).fill(mark);

  it('sends batches below the threshold to JavaScript and the rest to TensorFlow.js', () => {
    const pass = chooseForwardPass(marked(1), marked(2), 16);
    expect([...pass(new Float32Array(15), 15)].every((v) => v === 1)).toBe(true);
    expect([...pass(new Float32Array(16), 16)].every((v) => v === 2)).toBe(true);
    expect(chooseForwardPass(marked(1), marked(2), Infinity)(new Float32Array(5000), 5000)[0]).toBe(1);
  });

  it('answers the same as TensorFlow.js on either side of a measured threshold, for a wide model', () => {
    const width = 40;
    const model = buildModel('mlp', { task: 'classification', inputWidth: width, classes: 3 }, 5, [
      { units: 48, activation: 'relu', dropout: 0 },
    ]);
    const tensorflow = tensorflowPass(model, [width]);
    const javascript = denseForward(model, width)!;
    const timings = timeForwardPasses(javascript, tensorflow, width, [1, 64]);
    expect(timings.map((t) => t.rows)).toEqual([1, 64]);
    const pass = chooseForwardPass(javascript, tensorflow, 8);
    for (const rows of [3, 40]) {
      const x = Float32Array.from({ length: rows * width }, (_, i) => Math.cos(i) * 2);
      const expected = tensorflow(x, rows);
      const actual = pass(x, rows);
      expect(actual.length).toBe(rows * 3);
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
      // A request's rows are often a view into a larger buffer: only the view is read.
      const padded = new Float32Array(x.length + 10).fill(99);
      padded.set(x, 5);
      expect([...tensorflow(padded.subarray(5, 5 + x.length), rows)]).toEqual([...expected]);
    }
    model.dispose();
  });

  it('serves at once with the untimed threshold, and times the passes in turns after', async () => {
    let calls = 0;
    const counted =
      (mark: number): ForwardPass =>
      (_x, rows) => {
        calls++;
        return new Float32Array(rows).fill(mark);
      };
    const { forward, steady, calibrate } = calibratingForwardPass(counted(1), counted(2), 4);
    // Nothing is timed before it is asked for: a version loaded but not asked costs nothing.
    expect(forward(new Float32Array(4), 1)[0]).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
    expect(forward(new Float32Array(4 * UNTIMED_TENSORFLOW_FROM), UNTIMED_TENSORFLOW_FROM)[0]).toBe(2);
    const calibrated = calibrate();
    expect(calibrate()).toBe(calibrated);
    // Begun, it waits for the event loop to turn: what follows the batch that began it in the
    // same turn (its answer: promise reactions) runs first.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(calls).toBe(2);
    // The event loop turns while the timing runs: a macrotask queued now runs before it ends.
    let turned = false;
    setImmediate(() => (turned = true));
    const from = await calibrated;
    expect(turned).toBe(true);
    expect(calls).toBeGreaterThan(2);
    // Whatever the timing found, the pass now follows it.
    const rows = Number.isFinite(from) ? from : 2048;
    expect(forward(new Float32Array(4 * rows), rows)[0]).toBe(Number.isFinite(from) ? 2 : 1);
    // The steady pass keeps the untimed threshold whatever the timing found.
    const below = UNTIMED_TENSORFLOW_FROM - 1;
    expect(steady(new Float32Array(4 * below), below)[0]).toBe(1);
    expect(steady(new Float32Array(4 * UNTIMED_TENSORFLOW_FROM), UNTIMED_TENSORFLOW_FROM)[0]).toBe(2);
  });

  it('keeps the untimed threshold when the timing fails', async () => {
    const broken: ForwardPass = () => {
      throw new Error('model disposed');
    };
    const { forward, calibrate } = calibratingForwardPass(marked(1), broken, 4);
    await expect(calibrate()).resolves.toBe(UNTIMED_TENSORFLOW_FROM);
    expect(forward(new Float32Array(4), 1)[0]).toBe(1);
  });
});
