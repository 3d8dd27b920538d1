import { describe, expect, it } from 'vitest';
import type { ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { columnProfile } from '../../test/support/column-profile.ts';
import { encodeDataset, fitPreprocessing } from './tabular-preprocessing.ts';
import { decodeRegression } from './target-encoding.ts';
import { inputSchemaOf, outputSchemaOf, parsePreprocessingState } from './preprocessing-state.ts';

const profile = (name: string, type: ColumnProfile['type']) => columnProfile(name, type, 3);
const columns = [profile('size', 'number'), profile('colour', 'categorical'), profile('organic', 'boolean')];
const train: DatasetRow[] = [
  { size: 1, colour: 'red', organic: true, price: 10, kind: 'b' },
  { size: 3, colour: 'blue', organic: false, price: 20, kind: 'a' },
  { size: null, colour: 'red', organic: true, price: 30, kind: 'b' },
  { size: 8, colour: null, organic: null, price: 40, kind: 'a' },
];
const fit = (task: 'classification' | 'regression', standardizeTarget = true) =>
  fitPreprocessing({
    features: columns,
    target: profile(task === 'regression' ? 'price' : 'kind', task === 'regression' ? 'number' : 'categorical'),
    task,
    trainingRows: train,
    allTargetValues: task === 'regression' ? [10, 20, 30, 40] : ['b', 'a', 'b', 'a', 'c'],
    standardizeTarget,
  });

describe('fitPreprocessing', () => {
  it('imputes numbers with the training median, then standardises with the imputed mean and std', () => {
    const state = fit('regression');
    // present sizes 1,3,8 -> median 3; imputed 1,3,3,8 -> mean 3.75, variance (7.5625+.5625+.5625+18.0625)/4 = 6.6875
    expect(state.features[0]).toEqual({
      kind: 'numeric',
      name: 'size',
      type: 'number',
      median: 3,
      mean: 3.75,
      std: Math.sqrt(6.6875),
    });
  });

  it('one-hot encodes categories plus an unknown bucket and imputes the most frequent value', () => {
    const state = fit('regression');
    expect(state.features[1]).toEqual({
      kind: 'categorical',
      name: 'colour',
      categories: ['blue', 'red'],
      mostFrequent: 'red',
    });
    expect(state.features[2]).toEqual({ kind: 'boolean', name: 'organic', mostFrequent: true });
    expect(state.width).toBe(1 + 3 + 1);
    const encoded = encodeDataset(state, [
      { size: 3.75, colour: 'green', organic: null, price: 25 },
      { size: null, colour: null, organic: false, price: 25 },
    ]);
    const std = Math.sqrt(6.6875);
    expect(Array.from(encoded.x)).toEqual([0, 0, 0, 1, 1, Math.fround(-0.75 / std), 0, 1, 0, 0]);
  });

  it('standardises a regression target and maps outputs back to its scale', () => {
    const state = fit('regression');
    const target = state.target;
    expect(target).toMatchObject({ task: 'regression', standardized: true, mean: 25 });
    const encoded = encodeDataset(state, train);
    expect(decodeRegression(target, encoded.y[3] as number)).toBeCloseTo(40, 4);
    expect(fit('regression', false).target).toMatchObject({ standardized: false, mean: 0, std: 1 });
  });

  it('keeps classification labels in their original values, sorted, over the whole dataset', () => {
    const state = fit('classification');
    expect(state.target).toEqual({ task: 'classification', name: 'kind', labels: ['a', 'b', 'c'] });
    expect(Array.from(encodeDataset(state, train).y)).toEqual([1, 0, 1, 0]);
    expect(outputSchemaOf(state)).toEqual({ task: 'classification', target: 'kind', labels: ['a', 'b', 'c'] });
  });

  it('guards a constant column against division by zero', () => {
    const state = fitPreprocessing({
      features: [profile('flat', 'integer')],
      target: profile('price', 'number'),
      task: 'regression',
      trainingRows: [
        { flat: 2, price: 1 },
        { flat: 2, price: 2 },
      ],
      allTargetValues: [1, 2],
      standardizeTarget: true,
    });
    expect(Array.from(encodeDataset(state, [{ flat: 2, price: 1 }]).x)).toEqual([0]);
  });

  it('round-trips through JSON and describes its input schema', () => {
    const state = fit('classification');
    expect(parsePreprocessingState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(inputSchemaOf(state).features).toEqual([
      { name: 'size', type: 'number' },
      { name: 'colour', type: 'categorical', categories: ['blue', 'red'] },
      { name: 'organic', type: 'boolean' },
    ]);
    expect(() => parsePreprocessingState({ ...state, width: 0 })).toThrow();
  });

  it('refuses a classification target with a single class', () => {
    expect(() =>
      fitPreprocessing({
        features: columns,
        target: profile('kind', 'categorical'),
        task: 'classification',
        trainingRows: train,
        allTargetValues: ['a', 'a'],
        standardizeTarget: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'single_class_target', status: 422 }));
  });
});

describe('extreme values', () => {
  const rows: DatasetRow[] = [
    { size: 1, colour: 'red', organic: true, price: 10 },
    { size: 1e300, colour: 'blue', organic: false, price: 1e200 },
    { size: -1e308, colour: 'red', organic: true, price: 30 },
    { size: 2, colour: 'blue', organic: false, price: 40 },
  ];
  const fitOn = (standardizeTarget: boolean) =>
    fitPreprocessing({
      features: columns,
      target: profile('price', 'number'),
      task: 'regression',
      trainingRows: rows,
      allTargetValues: rows.map((row) => row.price as number),
      standardizeTarget,
    });

  it('standardises features and a target near the largest double to finite values', () => {
    const state = fitOn(true);
    const encoded = encodeDataset(state, rows);
    for (const value of [...encoded.x, ...encoded.y]) expect(Number.isFinite(value)).toBe(true);
    // Squared deviations of these overflow a double: plain sums made the std Infinity, every value 0.
    const size = state.features[0] as { mean: number; std: number };
    const price = state.target as { mean: number; std: number };
    for (const value of [size.mean, size.std, price.mean, price.std]) expect(Number.isFinite(value)).toBe(true);
    expect(new Set(encoded.y).size).toBeGreaterThan(1);
  });

  it('refuses an unstandardised target past float32 range, naming the column', () => {
    const state = fitOn(false);
    expect(() => encodeDataset(state, rows)).toThrow(
      expect.objectContaining({ code: 'column_not_scalable', message: expect.stringContaining("'price'") }),
    );
  });
});
