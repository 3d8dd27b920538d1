/**
 * Worker thread of the placement benchmark: holds a copy of the model and answers predict
 * messages, as a worker-thread inference pool would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { callModel } from './model-call.ts';
import { selectBackend, tf } from '../src/ml/backend.ts';
import type { PreprocessingState } from '../src/preprocessing/preprocessing-state.ts';

const { artifacts, preprocessing } = workerData as {
  artifacts: tf.io.ModelArtifacts;
  preprocessing: PreprocessingState;
};
await selectBackend('auto');
const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
parentPort!.on('message', ({ id, x, rows }: { id: number; x: Float32Array; rows: number }) => {
  const output = callModel(model, x, rows, preprocessing.width);
  parentPort!.postMessage({ id, output });
});
parentPort!.postMessage({ ready: true });
