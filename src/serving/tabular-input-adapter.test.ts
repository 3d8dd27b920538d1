import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRow } from '../datasets/column-profile.ts';
import { ValidationError } from '../errors.ts';
import { selectBackend, tf } from '../ml/backend.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { trainTabular, type TabularRequest } from '../training/pipelines/tabular.ts';
import { loadTabularFixture } from '../../test/fixtures/tabular/load-tabular-fixture.ts';
import { columnProfile as column } from '../../test/support/column-profile.ts';
import { adapterFor } from './adapter-choice.ts';
import { tensorflowPass } from './forward-pass.ts';
import type { Prediction } from './input-adapter.ts';

/**
 * A trained model served in-process the way the prediction service serves one batch: the
 * adapter chosen for its stored preprocessing encodes, TensorFlow.js runs, the adapter decodes.
 */
function serve(trained: {
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
}): (instances: unknown[]) => Prediction[] {
  const adapter = adapterFor(trained.preprocessing);
  const forward = tensorflowPass(trained.model, adapter.inputShape);
  return (instances) => {
    const encoded = adapter.encode(instances);
    if (!(encoded instanceof Float32Array)) throw new Error('a tabular adapter encodes synchronously');
    return adapter.decode(forward(encoded, instances.length), instances.length);
  };
}

let iris: Awaited<ReturnType<typeof trainTabular>>;
let predictIris: (instances: unknown[]) => Prediction[];

beforeAll(async () => {
  await selectBackend('auto');
  const { rows, columns } = loadTabularFixture('iris');
  iris = await trainTabular({
    rows,
    columns,
    target: 'species',
    model: { type: 'logistic', epochs: 60, learningRate: 0.05, seed: 1 },
  });
  predictIris = serve(iris);
});

describe('the tabular input adapter on TensorFlow.js', () => {
  it('answers the schemas training derived, which the metadata routes serve', () => {
    const adapter = adapterFor(iris.preprocessing);
    expect(adapter.inputSchema).toEqual(iris.inputSchema);
    expect(adapter.outputSchema).toEqual(iris.outputSchema);
    expect(adapter.inputShape).toEqual([adapter.rowSize]);
  });

  it('predicts labels in their original type with a probability per class', () => {
    const [setosa, virginica] = predictIris([
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      [7.7, 2.6, 6.9, 2.3],
    ]);
    expect(setosa).toMatchObject({ label: 'setosa' });
    expect(virginica).toMatchObject({ label: 'virginica' });
    const probabilities = (setosa as { probabilities: Record<string, number> }).probabilities;
    expect(Object.keys(probabilities)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('imputes missing features and disposes every tensor it creates', () => {
    const before = tf.memory().numTensors;
    const [prediction] = predictIris([{ petal_length: 6, petal_width: null }]);
    expect(prediction).toHaveProperty('label');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects invalid instances with per-field issues', () => {
    const invalid = () => predictIris([{ sepal_length: 'long' }, { petals: 3 }]);
    expect(invalid).toThrow(ValidationError);
    expect(invalid).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ path: 'instances.0.sepal_length' }),
          expect.objectContaining({ path: 'instances.1.petals' }),
        ],
      }),
    );
  });

  it('keeps numeric labels numeric and answers regression values on the original scale', async () => {
    // y = 1 exactly when x > 20; price = 3x + 100.
    const rows: DatasetRow[] = Array.from({ length: 40 }, (_, x) => ({ x, y: x > 20 ? 1 : 0, price: 3 * x + 100 }));
    const columns = [column('x', 'integer', 40), column('y', 'integer', 2), column('price', 'integer', 40)];
    // Each target from x alone: the instances served below give only x.
    const fromX = (target: string, model: TabularRequest['model']) =>
      trainTabular({ rows, columns, target, features: ['x'], model });
    const binary = await fromX('y', { type: 'auto', epochs: 150, learningRate: 0.1, seed: 1 });
    const [low, high] = serve(binary)([{ x: 2 }, { x: 38 }]);
    expect(low).toMatchObject({ label: 0 });
    expect(high).toMatchObject({ label: 1 });
    expect(Object.keys((high as { probabilities: object }).probabilities)).toEqual(['0', '1']);

    // Every epoch run (no early stopping on the small validation split), so the line is learnt exactly.
    const regression = await fromX('price', {
      type: 'linear',
      epochs: 150,
      learningRate: 0.05,
      seed: 1,
      earlyStopping: false,
    });
    const [value] = serve(regression)([[10]]);
    expect((value as { value: number }).value).toBeCloseTo(130, 0);
    binary.model.dispose();
    regression.model.dispose();
  });
});
