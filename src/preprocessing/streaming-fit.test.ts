import { describe, expect, it } from 'vitest';
import type { ColumnProfile, DatasetRow } from '../datasets/column-profile.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import { StreamingPreprocessingFit } from './streaming-fit.ts';
import { fitPreprocessing } from './tabular-preprocessing.ts';

const profile = (name: string, type: ColumnProfile['type']): ColumnProfile => ({
  name,
  type,
  missing: 0,
  distinct: 10,
  distinctApproximate: false,
});

function rows(count: number, seed: number): DatasetRow[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => ({
    x: random.next() < 0.1 ? null : random.next() * 100 - 30,
    n: Math.floor(random.next() * 7),
    colour: random.next() < 0.05 ? null : ['red', 'green', 'blue'][Math.floor(random.next() * 3)]!,
    flag: random.next() < 0.7,
    y: random.next() * 10,
    label: random.next() < 0.4 ? 'a' : 'b',
  }));
}

const features = [
  profile('x', 'number'),
  profile('n', 'integer'),
  profile('colour', 'categorical'),
  profile('flag', 'boolean'),
];

describe('StreamingPreprocessingFit', () => {
  it('fits the state fitPreprocessing fits on the same rows (exact while the median sketch holds them all)', () => {
    for (const [task, target] of [
      ['regression', profile('y', 'number')],
      ['classification', profile('label', 'categorical')],
    ] as const) {
      const training = rows(1500, 3);
      const streaming = new StreamingPreprocessingFit({ features, target, task, standardizeTarget: true });
      for (const row of training) {
        streaming.addLabel(row[target.name] as string | number);
        streaming.addTraining(row);
      }
      const expected = fitPreprocessing({
        features,
        target,
        task,
        trainingRows: training,
        allTargetValues: training.map((row) => row[target.name] as string | number),
        standardizeTarget: true,
      });
      const actual = streaming.state();
      expect(actual.width).toBe(expected.width);
      expect(actual.features.map((f) => f.kind)).toEqual(expected.features.map((f) => f.kind));
      actual.features.forEach((encoder, i) => {
        const other = expected.features[i]!;
        if (encoder.kind === 'numeric' && other.kind === 'numeric') {
          expect(encoder.median).toBe(other.median);
          expect(encoder.mean).toBeCloseTo(other.mean, 9);
          expect(encoder.std).toBeCloseTo(other.std, 9);
        } else expect(encoder).toEqual(other);
      });
      if (actual.target.task === 'regression' && expected.target.task === 'regression') {
        expect(actual.target.mean).toBeCloseTo(expected.target.mean, 9);
        expect(actual.target.std).toBeCloseTo(expected.target.std, 9);
      } else expect(actual.target).toEqual(expected.target);
    }
  });
});
