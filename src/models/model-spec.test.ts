import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../datasets/column-profile.ts';
import { columnProfile } from '../../test/support/column-profile.ts';
import { createModelSpecSchema, defaultModelLimits, modelSpecSchema } from './model-spec.ts';
import { inferTask, resolveTask } from './task.ts';

describe('modelSpecSchema', () => {
  it('fills defaults and keeps mlp layers', () => {
    expect(modelSpecSchema.parse({ type: 'logistic' })).toEqual({
      type: 'logistic',
      epochs: 100,
      batchSize: 32,
      learningRate: 0.01,
      optimizer: 'adam',
      l2: 0,
      standardizeTarget: true,
    });
    const mlp = modelSpecSchema.parse({
      type: 'mlp',
      hiddenLayers: [{ units: 8, dropout: 0.2 }],
      earlyStopping: { patience: 5 },
    });
    expect(mlp).toMatchObject({
      hiddenLayers: [{ units: 8, activation: 'relu', dropout: 0.2 }],
      earlyStopping: { patience: 5, minDelta: 0 },
    });
  });

  it('rejects unknown fields, unknown types and out-of-range values', () => {
    expect(modelSpecSchema.safeParse({ type: 'linear', epoch: 5 }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'svm' }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'linear', learningRate: 0 }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'linear', optimizer: 'lbfgs' }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'linear', hiddenLayers: [{ units: 4 }] }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'mlp', hiddenLayers: [{ units: 4, dropout: 1 }] }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'linear', epochs: defaultModelLimits.maxEpochs + 1 }).success).toBe(false);
  });

  it('validates the deep families with the common training fields and their input preparation', () => {
    expect(modelSpecSchema.parse({ type: 'lstm', epochs: 5, text: { maxLength: 20 } })).toMatchObject({
      type: 'lstm',
      epochs: 5,
      optimizer: 'adam',
      units: [32],
      text: { maxLength: 20, maxTokens: 5000, oovBuckets: 1 },
    });
    expect(modelSpecSchema.parse({ type: 'cnn', image: { height: 28, width: 28, channels: 1 } })).toMatchObject({
      convBlocks: expect.any(Array),
      image: { height: 28 },
    });
    expect(modelSpecSchema.parse({ type: 'gru', sequence: { lookback: 8 } })).toMatchObject({
      sequence: { lookback: 8, horizon: 1, stride: 1 },
    });
    expect(modelSpecSchema.safeParse({ type: 'transformer', numHeads: 17 }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'lstm', convBlocks: [] }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'gru', sequence: { lookback: 0 } }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'cnn', image: { channels: 2 } }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ type: 'logistic', text: {} }).success).toBe(false);
  });

  it('applies configurable caps', () => {
    const strict = createModelSpecSchema({ ...defaultModelLimits, maxEpochs: 10, maxUnits: 16 });
    expect(strict.safeParse({ type: 'linear', epochs: 10 }).success).toBe(true);
    expect(strict.safeParse({ type: 'linear', epochs: 11 }).success).toBe(false);
    expect(strict.safeParse({ type: 'mlp', hiddenLayers: [{ units: 17 }] }).success).toBe(false);
  });
});

describe('inferTask', () => {
  const target = (type: ColumnProfile['type'], distinct: number) => columnProfile('y', type, distinct);

  it('reads categorical, boolean and few-valued integer targets as classification', () => {
    expect(inferTask(target('categorical', 3))).toBe('classification');
    expect(inferTask(target('boolean', 2))).toBe('classification');
    expect(inferTask(target('integer', 2))).toBe('classification');
    expect(inferTask(target('integer', 300))).toBe('regression');
    expect(inferTask(target('number', 5))).toBe('regression');
  });

  it('refuses text targets and regression on categories', () => {
    expect(() => inferTask(target('text', 10))).toThrow(expect.objectContaining({ code: 'unsupported_target' }));
    expect(() => resolveTask(target('categorical', 3), 'regression')).toThrow(
      expect.objectContaining({ code: 'target_not_numeric', status: 422 }),
    );
    expect(resolveTask(target('number', 4), 'classification')).toBe('classification');
  });
});
