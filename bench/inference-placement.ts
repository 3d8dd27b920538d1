import { Worker } from 'node:worker_threads';
import { callModel } from './model-call.ts';
import { median } from './predict-summary.ts';
import { artifactsInMemory } from '../src/ml/artifacts-in-memory.ts';
import type { tf } from '../src/ml/backend.ts';
import type { PreprocessingState } from '../src/preprocessing/preprocessing-state.ts';

/** Per-call cost of one batch size on the event loop and through a worker thread, in ms. */
export interface PlacementRow {
  rows: number;
  eventLoopMs: number;
  workerRoundTripMs: number;
}

const ITERATIONS = Number(process.env.BENCH_PLACEMENT_ITERATIONS ?? 300);

/**
 * Measures whether inference should leave the event loop: the time a batch blocks the event
 * loop when run in place, against the round trip of the same batch through a worker thread
 * (copy in, predict, copy out). Offloading pays only when a batch costs more than the round
 * trip's overhead and the machine has a core to spare for the worker.
 */
export async function benchInferencePlacement(
  model: tf.LayersModel,
  preprocessing: PreprocessingState,
  sizes = [1, 16, 256, 1000],
): Promise<PlacementRow[]> {
  const artifacts = await artifactsInMemory(model);
  // Worker threads do not inherit tsx's loader: a tiny bootstrap registers it, then loads the worker.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./placement-worker.ts', import.meta.url).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { artifacts, preprocessing } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    let next = 0;
    const roundTrip = (x: Float32Array, rows: number) =>
      new Promise<void>((resolve) => {
        const id = next++;
        const onMessage = (message: { id: number }) => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.postMessage({ id, x: x.slice(), rows });
      });
    const results: PlacementRow[] = [];
    for (const rows of sizes) {
      const x = new Float32Array(rows * preprocessing.width).map((_, i) => (i % 7) / 7);
      const local: number[] = [];
      const remote: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        let started = performance.now();
        callModel(model, x, rows, preprocessing.width);
        local.push(performance.now() - started);
        started = performance.now();
        await roundTrip(x, rows);
        remote.push(performance.now() - started);
      }
      results.push({ rows, eventLoopMs: median(local), workerRoundTripMs: median(remote) });
    }
    return results;
  } finally {
    await worker.terminate();
  }
}
