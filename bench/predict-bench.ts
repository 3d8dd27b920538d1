import { callModel } from './model-call.ts';
import type { tf } from '../src/ml/backend.ts';
import { ensureBackend } from '../src/ml/backend.ts';
import { encodeInstances } from '../src/preprocessing/instance-encoding.ts';
import type { PreprocessingState } from '../src/preprocessing/preprocessing-state.ts';
import { loadModelArtifact } from '../src/registry/artifact-io.ts';
import { submitTraining, uploadFixture, waitForJob, type BenchEnv } from './bench-env.ts';
import { startChild } from './child-process.ts';
import { loadTest, type LoadResult } from './load-test.ts';

export interface PredictFigures {
  concurrency: { connections: number; app: LoadResult; ceiling: LoadResult }[];
  bulk: { rows: number; app: LoadResult; appRowsPerSecond: number; bareRowsPerSecond: number };
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const iris = (i: number) => ({ sepal_length: 4.5 + (i % 30) / 10, sepal_width: 2 + (i % 20) / 10, petal_length: 1 + (i % 50) / 10, petal_width: 0.1 + (i % 25) / 10 });

/** Trains the served model (an MLP on Iris) through the real worker and returns its version row. */
export async function trainServedModel(bench: BenchEnv) {
  const datasetId = await uploadFixture(bench, 'tabular/iris.csv', 'iris');
  const job = await submitTraining(bench, { datasetId, target: 'species', modelName: 'iris', model: { type: 'mlp', epochs: 30, seed: 7 } });
  await waitForJob(bench, job.id, (j) => j.status === 'succeeded');
  return bench.deps.db.modelVersion.findFirstOrThrow({ where: { model: { name: 'iris' }, version: 1 } });
}

/** Rows per second of bare TensorFlow.js predict on an encoded matrix, in this process. */
function bareRowsPerSecond(model: tf.LayersModel, x: Float32Array, rows: number, preprocessing: PreprocessingState, seconds: number): number {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  while (performance.now() < end) {
    callModel(model, x, rows, preprocessing.width);
    done += rows;
  }
  return done / ((performance.now() - started) / 1000);
}

/**
 * Figures 1 and 2: `:predict` through the real API in a child process, driven by autocannon
 * from this process, side by side with the ceiling (a bare Fastify route, also a child) and
 * with bare TensorFlow.js predict in this process.
 */
export async function benchPredict(bench: BenchEnv): Promise<PredictFigures> {
  const version = await trainServedModel(bench);
  const app = await startChild('./app-server.ts', bench.env);
  const bare = await startChild('./bare-server.ts');
  try {
    const appUrl = `http://127.0.0.1:${app.first.port}/v1/models/iris/versions/1:predict`;
    const bareUrl = `http://127.0.0.1:${bare.first.port}/v1/models/iris/versions/1`;
    const single = JSON.stringify({ instances: [iris(3)] });
    // Warm-up: model load, JIT, connection pools.
    await loadTest(appUrl, { body: single, headers: bench.auth, connections: 8, seconds: 2 });
    await loadTest(bareUrl, { body: single, connections: 8, seconds: 1 });

    const concurrency: PredictFigures['concurrency'] = [];
    for (const connections of [1, 16, 64]) {
      const appResult = await loadTest(appUrl, { body: single, headers: bench.auth, connections, seconds: SECONDS });
      const ceiling = await loadTest(bareUrl, { body: single, connections, seconds: SECONDS });
      concurrency.push({ connections, app: appResult, ceiling });
    }

    const rows = 1000;
    const instances = Array.from({ length: rows }, (_, i) => iris(i));
    const bulkApp = await loadTest(appUrl, { body: JSON.stringify({ instances }), headers: bench.auth, connections: 2, seconds: SECONDS });
    await ensureBackend();
    const preprocessing = version.preprocessing as unknown as PreprocessingState;
    const model = await loadModelArtifact(bench.deps.store, version.artifactKey, version.artifactSha256);
    const x = encodeInstances(preprocessing, instances);
    bareRowsPerSecond(model, x, rows, preprocessing, 0.5);
    const bareRows = bareRowsPerSecond(model, x, rows, preprocessing, SECONDS);
    return { concurrency, bulk: { rows, app: bulkApp, appRowsPerSecond: bulkApp.requestsPerSecond * rows, bareRowsPerSecond: bareRows }, model, preprocessing };
  } finally {
    await Promise.all([app.stop(), bare.stop()]);
  }
}
