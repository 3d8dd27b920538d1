import { describe, expect, it } from 'vitest';
import { describeBackend, ensureBackend, selectBackend, tf } from './backend.ts';

describe('selectBackend', () => {
  it('falls through the missing native packages to WASM on auto, and is idempotent', async () => {
    // tfjs-node(-gpu) are optional and not installed on this machine.
    expect(await selectBackend('auto')).toBe('wasm');
    expect(await selectBackend('auto')).toBe('wasm');
    expect(await ensureBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(describeBackend()).toContain('tfjs-backend-wasm');
    expect(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).arraySync())).toEqual([2, 3]);
  });

  it('switches to an explicitly requested backend', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm')).toBe('wasm');
  });

  it('explains that tensorflow needs a native package', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      /@tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node.*Install one/,
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});
