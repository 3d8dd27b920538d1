import { describe, expect, it } from 'vitest';
import { backendDetails, describeBackend, ensureBackend, logBackend, selectBackend, tf } from './backend.ts';
import { openWebGpu } from './webgpu.ts';

// The optional webgpu package is installed; whether Dawn finds a GPU depends on the machine.
const gpu = await openWebGpu();
const training = 'adapter' in gpu ? 'webgpu' : 'wasm';

/** The lines a process logs, as (fields, message) pairs. */
function capture() {
  const lines: [Record<string, unknown>, string][] = [];
  return { lines, info: (fields: Record<string, unknown>, message: string) => lines.push([fields, message]) };
}

describe('selectBackend', () => {
  it('takes WebGPU for training under auto where a GPU answers, else falls through to WASM, and is idempotent', async () => {
    // tfjs-node(-gpu) are optional and not installed on this machine.
    expect(await selectBackend('auto')).toBe(training);
    expect(await selectBackend('auto')).toBe(training);
    expect(await ensureBackend()).toBe(training);
    expect(tf.getBackend()).toBe(training);
    if ('unavailable' in gpu) {
      expect(describeBackend()).toContain('tfjs-backend-wasm');
      expect(backendDetails()).toMatchObject({ name: 'wasm', webgpuUnavailable: gpu.unavailable });
    } else {
      expect(backendDetails()?.adapter).toEqual(gpu.adapter);
    }
    expect(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).arraySync())).toEqual([2, 3]);
  });

  it('never takes the GPU for serving under auto: only when asked for by name', async () => {
    expect(await selectBackend('auto', 'serving')).toBe('wasm');
    expect(backendDetails()).not.toHaveProperty('webgpuUnavailable');
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

  it.skipIf('adapter' in gpu)('says why webgpu cannot start where no GPU answers, and keeps the backend', async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow(
      /TF_BACKEND=webgpu could not start: .+set TF_BACKEND to auto/,
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('logBackend', () => {
  it('logs one line: the GPU, or why there is none and what runs instead', async () => {
    await selectBackend('auto', 'training');
    const logger = capture();
    logBackend(logger);
    expect(logger.lines).toHaveLength(1);
    const [fields, message] = logger.lines[0] as [Record<string, unknown>, string];
    if ('adapter' in gpu) {
      expect(fields).toMatchObject({ adapter: gpu.adapter });
      expect(message).toMatch(/on the GPU/);
    } else {
      expect(fields).toMatchObject({ backend: describeBackend(), webgpu: gpu.unavailable });
      expect(message).toBe(`no GPU for WebGPU (${gpu.unavailable}): using wasm`);
    }
  });

  it('logs the backend alone where no GPU was looked for', async () => {
    await selectBackend('wasm');
    const logger = capture();
    logBackend(logger);
    expect(logger.lines).toEqual([[{ backend: describeBackend() }, 'TensorFlow.js backend ready']]);
  });
});
