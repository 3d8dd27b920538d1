/**
 * Starting TensorFlow.js on the WASM backend in Node, with the training kernels it lacks.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-conv-gradients.ts';

/** Folder holding the `.wasm` binaries, resolved from the installed package (ends with `/`). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep);
}

let pathsSet = false;

/**
 * Registers the missing training kernels and makes 'wasm' the active backend.
 * Resolves to false (leaving the backend unchanged) when the WASM module cannot start.
 */
export async function useWasmBackend(): Promise<boolean> {
  registerWasmTrainingKernels();
  if (!pathsSet) {
    // setWasmPaths may only be called before the backend first initialises.
    setWasmPaths(wasmBinaryDir());
    pathsSet = true;
  }
  return tf.setBackend('wasm');
}
