import { describe, expect, it } from 'vitest';
import { selectBackend } from '../ml/backend.ts';
import * as tf from '../ml/tfjs.ts';
import { warmUpModelLoading } from './loading-warm-up.ts';

describe('the model-loading warm-up', () => {
  it('loads and runs its model, and leaves no tensor or variable behind', async () => {
    await selectBackend('wasm', 'serving');
    const before = tf.memory().numTensors;
    await warmUpModelLoading();
    await warmUpModelLoading();
    expect(tf.memory().numTensors).toBe(before);
  });
});
