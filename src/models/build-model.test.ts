import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../ml/backend.ts';
import { buildModel, resolveModelType } from './build-model.ts';

beforeAll(async () => {
  await selectBackend('auto');
});

describe('buildModel', () => {
  it('builds one linear unit for regression and one sigmoid unit for binary logistic regression', () => {
    const linear = buildModel('linear', { task: 'regression', inputWidth: 4, classes: 1 }, 1);
    expect(linear.layers.map((layer) => layer.getConfig().activation)).toEqual(['linear']);
    expect(linear.outputs[0]?.shape).toEqual([null, 1]);
    const binary = buildModel('logistic', { task: 'classification', inputWidth: 4, classes: 2 }, 1);
    expect(binary.layers.map((layer) => layer.getConfig().activation)).toEqual(['sigmoid']);
    expect(binary.outputs[0]?.shape).toEqual([null, 1]);
    tf.dispose([linear, binary].flatMap((model) => model.getWeights()));
  });

  it('builds a softmax layer for multinomial output and stacks mlp hidden layers with dropout', () => {
    const mlp = buildModel('mlp', { task: 'classification', inputWidth: 6, classes: 3 }, 1, [
      { units: 8, activation: 'tanh', dropout: 0.25 },
      { units: 4, activation: 'relu', dropout: 0 },
    ]);
    expect(mlp.layers.map((layer) => layer.getClassName())).toEqual(['Dense', 'Dropout', 'Dense', 'Dense']);
    expect(mlp.layers.at(-1)?.getConfig().activation).toBe('softmax');
    expect(mlp.outputs[0]?.shape).toEqual([null, 3]);
  });

  it('initialises identical weights from the same seed and different ones from another', () => {
    const shape = { task: 'regression' as const, inputWidth: 5, classes: 1 };
    const weights = (seed: number) => Array.from(buildModel('linear', shape, seed).getWeights()[0]?.dataSync() ?? []);
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });

  it('resolves auto by task and refuses a model that does not suit the task', () => {
    expect(resolveModelType('auto', 'classification')).toBe('logistic');
    expect(resolveModelType('auto', 'regression')).toBe('linear');
    expect(resolveModelType('mlp', 'regression')).toBe('mlp');
    expect(() => resolveModelType('linear', 'classification')).toThrow(
      expect.objectContaining({ code: 'model_task_mismatch' }),
    );
    expect(() => resolveModelType('logistic', 'regression')).toThrow(expect.objectContaining({ status: 422 }));
  });
});
