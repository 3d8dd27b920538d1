/**
 * TensorFlow.js as the service uses it: core, layers and the plain-JavaScript CPU backend, the
 * same namespace as the `@tensorflow/tfjs` umbrella package without its graph-model converter,
 * tf.data and WebGL backend, which nothing here uses. The umbrella took about twice as long to
 * load (its node build also bundles a second copy of many core ops), on the path of every start
 * (BENCHMARKS.md, 1e). What else it brings: the chained tensor methods, registered here
 * (src/ml/chained-tensor-methods.ts), and the gradient of every op, which a process that
 * differentiates (training, integrated-gradient explanations) loads with {@link loadGradients}.
 */
import { createRequire } from 'node:module';
import '@tensorflow/tfjs-backend-cpu';
import { registerChainedMethods } from './chained-tensor-methods.ts';
import { registerTileGradient } from './tile-gradient.ts';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

registerChainedMethods();

let gradientsLoaded = false;

/**
 * Registers the gradients of TensorFlow.js's ops (by loading the umbrella package, which alone
 * bundles them, over the same core), then ours that replace some of them; idempotent.
 */
export function loadGradients(): void {
  if (gradientsLoaded) return;
  createRequire(import.meta.url)('@tensorflow/tfjs');
  // After the umbrella's, which would otherwise replace it.
  registerTileGradient();
  gradientsLoaded = true;
}
