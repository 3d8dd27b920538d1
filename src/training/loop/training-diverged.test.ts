import { describe, expect, it } from 'vitest';
import { tf } from '../../ml/backend.ts';
import { requireFiniteWeights } from './training-diverged.ts';

function dense(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  return model;
}

describe('requireFiniteWeights', () => {
  it('passes a model with finite weights', () => {
    const model = dense();
    expect(() => requireFiniteWeights(model)).not.toThrow();
    model.dispose();
  });

  it('refuses a model with a NaN weight as training_diverged, naming the weight', () => {
    const model = dense();
    const [kernel, bias] = model.getWeights();
    const broken = tf.tensor1d([0, NaN]);
    model.setWeights([kernel!, broken]);
    broken.dispose();
    expect(bias).toBeDefined();
    expect(() => requireFiniteWeights(model)).toThrow(expect.objectContaining({ code: 'training_diverged' }));
    expect(() => requireFiniteWeights(model)).toThrow(/bias/);
    model.dispose();
  });
});
