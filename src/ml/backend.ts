import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-conv-gradients.ts';
import { registerTileGradient } from './tile-gradient.ts';
import { registerWasmBatchMatMul } from './wasm-matmul.ts';

/**
 * The TensorFlow.js namespace (core + layers), re-exported for modules that also need the
 * backend. Others (the architectures, the WASM kernels) import `@tensorflow/tfjs` directly: it
 * is the same package instance, so models, tensors and the backend chosen here share one engine.
 */
export { tf };

/** `TF_BACKEND`: `auto` takes the fastest backend present. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

// Native bindings in order of preference. Both register the backend named 'tensorflow'.
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let selected: { preference: BackendPreference; name: string; source: string } | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Activates the backend for `preference` and returns its TensorFlow.js name (`tensorflow`,
 * `wasm` or `cpu`). `auto` tries tfjs-node-gpu, tfjs-node, WASM, then plain JS CPU, each
 * failure falling through quietly; `tensorflow` throws when neither native package loads.
 * Idempotent: calling again with the same preference returns the active backend.
 */
export function selectBackend(preference: BackendPreference = 'auto'): Promise<string> {
  // Serialised so two concurrent callers never race on tf.setBackend.
  const next = queue.then(() => activate(preference));
  queue = next.catch(() => undefined);
  return next;
}

/** The active backend and the package providing it, e.g. `tensorflow (@tensorflow/tfjs-node-gpu)`. */
export function describeBackend(): string {
  return selected ? `${selected.name} (${selected.source})` : 'none selected';
}

async function activate(preference: BackendPreference): Promise<string> {
  // Gradients are shared by every backend; ours replaces one that is quadratic in its copies.
  registerTileGradient();
  if (selected?.preference === preference && tf.getBackend() === selected.name) return selected.name;
  const failures: string[] = [];
  if (preference === 'auto' || preference === 'tensorflow') {
    for (const name of NATIVE_PACKAGES) {
      const reason = await tryNative(name);
      if (reason === undefined) return remember(preference, 'tensorflow', name);
      failures.push(`${name}: ${reason}`);
    }
    if (preference === 'tensorflow') {
      throw new Error(
        'TF_BACKEND=tensorflow needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, ' +
          `and neither loaded (${failures.join('; ')}). ` +
          'Install one of them, or set TF_BACKEND to auto, wasm or cpu.',
      );
    }
  }
  if (preference === 'auto' || preference === 'wasm') {
    const reason = await tryWasm();
    if (reason === undefined) return remember(preference, 'wasm', '@tensorflow/tfjs-backend-wasm');
    if (preference === 'wasm') throw new Error(`The WASM backend could not start: ${reason}`);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('The plain JavaScript CPU backend could not start.');
  await tf.ready();
  return remember(preference, 'cpu', '@tensorflow/tfjs-backend-cpu');
}

function remember(preference: BackendPreference, name: string, source: string): string {
  selected = { preference, name, source };
  return name;
}

async function tryNative(packageName: string): Promise<string | undefined> {
  try {
    // Optional dependency: a missing package or a native binding that fails to load both land here.
    await import(packageName);
    if (!(await tf.setBackend('tensorflow'))) return 'the tensorflow backend did not initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

let wasmPathsSet = false;

/** The only place the WASM backend is started (tests and benchmarks use `selectBackend('wasm')`). */
async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The WASM backend lacks the gradients of conv2d and of embedding lookups; without them
    // CNN and text models would fail to train (or fall back to the ~40x slower CPU backend).
    registerWasmTrainingKernels();
    // Products with a transposed operand (every matMul gradient) take the backend's slow loop.
    registerWasmBatchMatMul();
    if (!wasmPathsSet) {
      // In Node the .wasm binaries are read from disk; tfjs would otherwise look beside the page
      // URL. The paths only count before the backend first initialises, so they are set once.
      const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(entry) + path.sep);
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** The active backend's name, selecting `auto` first when nothing was selected yet. */
export async function ensureBackend(): Promise<string> {
  return selected && tf.getBackend() === selected.name ? selected.name : selectBackend('auto');
}
