import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from './tfjs.ts';
import { loadGradients } from './tfjs.ts';
import { registerWasmTrainingKernels } from './wasm-conv-gradients.ts';
import { adapterLabel, openWebGpu, type GpuAdapterSummary } from './webgpu.ts';
import { registerWasmBatchMatMul } from './wasm-matmul.ts';
import { registerWasmCopyKernels } from './wasm-copy-kernels.ts';
import { registerWasmLeadingSum } from './wasm-leading-sum.ts';

/**
 * The TensorFlow.js namespace (core + layers, src/ml/tfjs.ts), re-exported for modules that
 * also need the backend. Others (the architectures, the WASM kernels) import src/ml/tfjs.ts
 * directly: the same package instances, so models, tensors and the backend chosen here share
 * one engine.
 */
export { tf };

/** `TF_BACKEND`: `auto` takes the fastest backend present. */
export type BackendPreference = 'auto' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/**
 * What the process does with TensorFlow.js. Training takes a GPU under `auto`; serving does not:
 * its models are small enough that a GPU round trip per batch costs more than it saves, so an API
 * process uses the GPU only when `TF_BACKEND=webgpu` asks for it explicitly.
 */
export type BackendRole = 'training' | 'serving';

/** The active backend, for logs: where it came from, the GPU, and why a GPU was not used. */
export interface BackendDetails {
  name: string;
  source: string;
  adapter?: GpuAdapterSummary;
  /** Under `auto` on a training process: why WebGPU was passed over. */
  webgpuUnavailable?: string;
}

// Native bindings in order of preference. Both register the backend named 'tensorflow'.
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let selected: (BackendDetails & { preference: BackendPreference; role: BackendRole }) | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Activates the backend for `preference` and returns its TensorFlow.js name (`webgpu`,
 * `tensorflow`, `wasm` or `cpu`). `auto` tries WebGPU (training only), tfjs-node-gpu, tfjs-node,
 * WASM, then plain JS CPU, each failure falling through quietly (`backendDetails` says why WebGPU
 * was passed over); `webgpu` and `tensorflow` throw when they cannot start.
 * Idempotent: calling again with the same preference returns the active backend.
 */
export function selectBackend(preference: BackendPreference = 'auto', role: BackendRole = 'training'): Promise<string> {
  // Serialised so two concurrent callers never race on tf.setBackend.
  const next = queue.then(() => activate(preference, role));
  queue = next.catch(() => undefined);
  return next;
}

/**
 * The active backend and what provides it, e.g. `tensorflow (@tensorflow/tfjs-node-gpu)` or
 * `webgpu (nvidia hopper (NVIDIA H200))`: what a version records as the backend it trained on.
 */
export function describeBackend(): string {
  if (!selected) return 'none selected';
  return `${selected.name} (${selected.adapter ? adapterLabel(selected.adapter) : selected.source})`;
}

/** The active backend in full, for the line a process logs when it is ready. */
export function backendDetails(): BackendDetails | undefined {
  if (!selected) return undefined;
  const { name, source, adapter, webgpuUnavailable } = selected;
  return { name, source, ...(adapter && { adapter }), ...(webgpuUnavailable && { webgpuUnavailable }) };
}

/**
 * The one line a process logs once its backend is chosen: the GPU it found (vendor, architecture,
 * limits), or, where `auto` looked for one and found none, why, and what it uses instead.
 */
export function logBackend(logger: { info(fields: object, message: string): void }): void {
  const details = backendDetails();
  if (!details) return;
  const backend = describeBackend();
  if (details.adapter) logger.info({ backend, adapter: details.adapter }, 'TensorFlow.js backend ready on the GPU');
  else if (details.webgpuUnavailable) {
    logger.info(
      { backend, webgpu: details.webgpuUnavailable },
      `no GPU for WebGPU (${details.webgpuUnavailable}): using ${details.name}`,
    );
  } else logger.info({ backend }, 'TensorFlow.js backend ready');
}

async function activate(preference: BackendPreference, role: BackendRole): Promise<string> {
  // Gradients are shared by every backend; a serving process does without them (an
  // explanation loads them when it needs them).
  if (role === 'training') loadGradients();
  if (selected?.preference === preference && selected.role === role && tf.getBackend() === selected.name) {
    return selected.name;
  }
  const failures: string[] = [];
  let webgpuUnavailable: string | undefined;
  if (preference === 'webgpu' || (preference === 'auto' && role === 'training')) {
    const opened = await openWebGpu();
    if ('adapter' in opened) {
      const reason = await tryRegistered('webgpu');
      if (reason === undefined) {
        return remember({ preference, role, name: 'webgpu', source: 'webgpu (Dawn)', adapter: opened.adapter });
      }
      webgpuUnavailable = reason;
    } else {
      webgpuUnavailable = opened.unavailable;
    }
    if (preference === 'webgpu') {
      throw new Error(
        `TF_BACKEND=webgpu could not start: ${webgpuUnavailable}. ` +
          'It needs the optional webgpu package and a GPU with a Vulkan driver; ' +
          'set TF_BACKEND to auto to fall back to the other backends.',
      );
    }
  }
  const fallback = { preference, role, ...(webgpuUnavailable && { webgpuUnavailable }) };
  if (preference === 'auto' || preference === 'tensorflow') {
    for (const name of NATIVE_PACKAGES) {
      const reason = await tryNative(name);
      if (reason === undefined) return remember({ ...fallback, name: 'tensorflow', source: name });
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
    if (reason === undefined) return remember({ ...fallback, name: 'wasm', source: '@tensorflow/tfjs-backend-wasm' });
    if (preference === 'wasm') throw new Error(`The WASM backend could not start: ${reason}`);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('The plain JavaScript CPU backend could not start.');
  await tf.ready();
  return remember({ ...fallback, name: 'cpu', source: '@tensorflow/tfjs-backend-cpu' });
}

function remember(choice: NonNullable<typeof selected>): string {
  selected = choice;
  return choice.name;
}

/** Activates a backend already registered (WebGPU registers its own on the device it opened). */
async function tryRegistered(name: string): Promise<string | undefined> {
  try {
    if (!(await tf.setBackend(name))) return `the ${name} backend did not initialise`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
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
    // Clones copy their input and embedding lookups run an element-wise loop: both move less.
    registerWasmCopyKernels();
    // Sums over the batch axes (every broadcast add's gradient) transpose the whole input first.
    registerWasmLeadingSum();
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
