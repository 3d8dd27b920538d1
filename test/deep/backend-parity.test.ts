import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadParityData,
  PARITY_ARCHITECTURES,
  PARITY_TOLERANCE,
  parityGap,
  trainForParity,
  type ParityData,
} from '../../src/ml/backend-parity.ts';
import { selectBackend } from '../../src/ml/backend.ts';
import { openWebGpu } from '../../src/ml/webgpu.ts';

/**
 * Every architecture trains to the same numbers on each backend as on WASM, from the same
 * seeded weights on the same real data. The plain JavaScript CPU backend (TensorFlow.js's
 * reference kernels) runs everywhere, and checks the WASM kernels this service adds; WebGPU runs
 * where a GPU adapter exists and is skipped, loudly, where none does.
 */
const root = new URL('../../', import.meta.url);
// The CPU kernels are slow (a CNN's convolution gradients most): a few batches say enough.
const onCpu = { epochs: 2, limit: 32, batchSize: 16 };
const onGpu = { epochs: 3, limit: 96 };
let data: ParityData;
const gpu = await openWebGpu();
if ('unavailable' in gpu) {
  console.warn(`\n*** WebGPU parity tests SKIPPED: ${gpu.unavailable} ***\n`);
}

beforeAll(async () => {
  data = await loadParityData(root);
});
afterAll(async () => {
  await selectBackend('wasm');
});

describe.each(PARITY_ARCHITECTURES)('%s', (architecture) => {
  it('trains on the CPU reference kernels to what it trains to on WASM', async () => {
    const wasm = await trainForParity('wasm', architecture, data, onCpu);
    const cpu = await trainForParity('cpu', architecture, data, onCpu);
    expect(wasm.backend).toBe('wasm');
    expect(cpu.backend).toBe('cpu');
    expect(wasm.losses).toHaveLength(onCpu.epochs);
    const gap = parityGap(cpu, wasm);
    expect(gap.loss).toBeLessThanOrEqual(PARITY_TOLERANCE.loss);
    expect(gap.probability).toBeLessThanOrEqual(PARITY_TOLERANCE.probability);
    // Training moved the weights: equal numbers are not two untouched initialisations.
    expect(wasm.losses[1]).toBeLessThan(wasm.losses[0] as number);
  });

  it.skipIf('unavailable' in gpu)('trains on WebGPU to what it trains to on WASM', async () => {
    const wasm = await trainForParity('wasm', architecture, data, onGpu);
    const webgpu = await trainForParity('webgpu', architecture, data, onGpu);
    expect(webgpu.backend).toBe('webgpu');
    const gap = parityGap(webgpu, wasm);
    expect(gap.loss).toBeLessThanOrEqual(PARITY_TOLERANCE.loss);
    expect(gap.probability).toBeLessThanOrEqual(PARITY_TOLERANCE.probability);
  });
});
