import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend, tf } from '../ml/backend.ts';
import { backgroundMetadata, readBackground, sampleBackground } from './background.ts';
import { integratedGradients, smoothGrad } from './integrated-gradients.ts';

beforeAll(() => ensureBackend());

/** A fixed two-layer network with a softmax over 3 classes: smooth, nonlinear, seeded. */
function network(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [4],
      units: 6,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
  );
  return model;
}

const instance = Float32Array.from([1.5, -0.5, 2, 0.3]);
const baseline = new Float32Array(4);

describe('integrated gradients', () => {
  it('approach completeness as steps grow: Σ attributions → f(x) − f(baseline)', () => {
    const model = network();
    const gap = (steps: number) => {
      const result = integratedGradients(
        { model, instance, baseline, shape: [4], output: { unit: 1, scale: 1, shift: 0 } },
        steps,
      );
      return Math.abs(result.attributions.reduce((a, b) => a + b, 0) - (result.value - result.baseline));
    };
    const [coarse, fine] = [gap(2), gap(64)];
    expect(fine).toBeLessThan(1e-3);
    expect(fine).toBeLessThan(coarse);
    model.dispose();
  });

  it('map the explained unit affinely: 1 − p explains as the negated attributions of p', () => {
    const model = network();
    const p = integratedGradients(
      { model, instance, baseline, shape: [4], output: { unit: 0, scale: 1, shift: 0 } },
      16,
    );
    const q = integratedGradients(
      { model, instance, baseline, shape: [4], output: { unit: 0, scale: -1, shift: 1 } },
      16,
    );
    expect(q.value).toBeCloseTo(1 - p.value, 6);
    p.attributions.forEach((a, i) => expect(q.attributions[i]).toBeCloseTo(-a, 6));
    // A feature equal to its baseline gets nothing.
    const same = integratedGradients(
      {
        model,
        instance,
        baseline: Float32Array.from([0, -0.5, 0, 0]),
        shape: [4],
        output: { unit: 0, scale: 1, shift: 0 },
      },
      16,
    );
    expect(same.attributions[1]).toBe(0);
    model.dispose();
  });

  it('give SmoothGrad the same map for the same seed', () => {
    const model = network();
    const input = { model, instance, baseline, shape: [4], output: { unit: 2, scale: 1, shift: 0 } };
    expect(smoothGrad(input, 8, 4).attributions).toEqual(smoothGrad(input, 8, 4).attributions);
    expect(smoothGrad(input, 8, 4).attributions).not.toEqual(smoothGrad(input, 8, 5).attributions);
    model.dispose();
  });
});

describe('the background sample', () => {
  it('draws distinct rows with the seed and reads back at most the rows asked for', () => {
    const x = Float32Array.from({ length: 50 * 2 }, (_, i) => i);
    const background = sampleBackground(x, 50, 2, 7, 10);
    expect(background).toMatchObject({ rows: 10, width: 2 });
    expect(sampleBackground(x, 50, 2, 7, 10)).toEqual(background);
    const firsts = background.values.filter((_, i) => i % 2 === 0);
    expect(new Set(firsts).size).toBe(10);
    const model = network();
    expect(readBackground(model, 100)).toBeUndefined();
    model.setUserDefinedMetadata(backgroundMetadata(background) as Record<string, object>);
    expect(readBackground(model, 4)).toEqual({ rows: 4, width: 2, values: background.values.slice(0, 8) });
    model.dispose();
  });
});
