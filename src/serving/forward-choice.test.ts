import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../ml/backend.ts';
import { buildModel } from '../models/build-model.ts';
import { denseForward } from './dense-forward.ts';
import { chooseForwardPass, tensorflowFromRows, timeForwardPasses, type ForwardPass } from './forward-choice.ts';
import { tensorflowPass } from './input-adapters.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

const timing = (rows: number, javascriptMs: number, tensorflowMs: number) => ({ rows, javascriptMs, tensorflowMs });

describe('tensorflowFromRows', () => {
  it('is the first size from which TensorFlow.js stays faster', () => {
    expect(tensorflowFromRows([timing(1, 0.01, 0.1), timing(16, 0.2, 0.12), timing(256, 3, 0.5)])).toBe(16);
  });

  it('ignores an early win that a larger size takes back', () => {
    expect(tensorflowFromRows([timing(1, 0.2, 0.1), timing(16, 0.1, 0.2), timing(256, 3, 0.5), timing(1024, 12, 1.5)])).toBe(256);
  });

  it('is Infinity when JavaScript is never slower, or nothing was timed', () => {
    expect(tensorflowFromRows([timing(1, 0.002, 0.08), timing(1024, 0.7, 0.73)])).toBe(Infinity);
    expect(tensorflowFromRows([])).toBe(Infinity);
  });
});

describe('chooseForwardPass', () => {
  const marked = (mark: number): ForwardPass => (_x, rows) => new Float32Array(rows).fill(mark);

  it('sends batches below the threshold to JavaScript and the rest to TensorFlow.js', () => {
    const pass = chooseForwardPass(marked(1), marked(2), 16);
    expect([...pass(new Float32Array(15), 15)].every((v) => v === 1)).toBe(true);
    expect([...pass(new Float32Array(16), 16)].every((v) => v === 2)).toBe(true);
    expect(chooseForwardPass(marked(1), marked(2), Infinity)(new Float32Array(5000), 5000)[0]).toBe(1);
  });

  it('answers the same as TensorFlow.js on either side of a measured threshold, for a wide model', () => {
    const width = 40;
    const model = buildModel('mlp', { task: 'classification', inputWidth: width, classes: 3 }, 5, [{ units: 48, activation: 'relu', dropout: 0 }]);
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
});
