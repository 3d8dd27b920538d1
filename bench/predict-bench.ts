import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callModel } from './model-call.ts';
import { artifactsInMemory } from '../src/ml/artifacts-in-memory.ts';
import { ensureBackend, type tf } from '../src/ml/backend.ts';
import { encodeInstances } from '../src/preprocessing/instance-encoding.ts';
import type { PreprocessingState } from '../src/preprocessing/preprocessing-state.ts';
import { loadModelArtifact } from '../src/registry/artifact-io.ts';
import { submitTraining, uploadFixture, waitForJob, type BenchEnv } from './bench-env.ts';
import { startChild } from './child-process.ts';
import { loadTest, type LoadResult } from './load-test.ts';
import { shippedEnv, startService } from './service-process.ts';
import { startServingPeer } from './serving-peer.ts';

/** One round at one concurrency: the API, then the ceiling, then the FastAPI peer right after. */
export interface LoadPair {
  app: LoadResult;
  ceiling: LoadResult;
  /** FastAPI + scikit-learn serving the same rows (absent where the peer is unavailable). */
  peer?: LoadResult;
  /** At 64 connections: the ceiling writing the API's access line for every request. */
  loggedCeiling?: LoadResult;
  /** The floor of a prediction endpoint (predict-floor-server.ts), at 64 connections. */
  endpointFloor?: LoadResult;
  /** The same service at LOG_LEVEL=warn, which writes no access line, at 64 connections. */
  warnApp?: LoadResult;
}

/** One round of bulk predictions: the API, the JSON floor, and bare TensorFlow.js in-process. */
export interface BulkRound {
  app: LoadResult;
  /** The same rows through Open Inference Protocol `/infer` with binary tensors in and out. */
  binary: LoadResult;
  floor: LoadResult;
  /** FastAPI + scikit-learn answering the same rows (absent where the peer is unavailable). */
  peer?: LoadResult;
  bareRowsPerSecond: number;
}

export interface PredictFigures {
  /** Per concurrency, `ROUNDS` rounds, so one disturbed run cannot decide a figure. */
  concurrency: { connections: number; rounds: LoadPair[] }[];
  bulk: { rows: number; connections: number; rounds: BulkRound[] };
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
  /** What the FastAPI peer ran, or why it could not. */
  peer: { settings: string; accuracy: number } | { unavailable: string };
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// 64 connections, the headline (1a, 1b, 1d), gets more rounds: its ratios swing most on a shared machine.
const HEADLINE_ROUNDS = Math.max(ROUNDS, 5);
const BULK_ROWS = 1000;
const BULK_CONNECTIONS = 2;
const iris = (i: number) => ({
  sepal_length: 4.5 + (i % 30) / 10,
  sepal_width: 2 + (i % 20) / 10,
  petal_length: 1 + (i % 50) / 10,
  petal_width: 0.1 + (i % 25) / 10,
});

/**
 * The rows as an Open Inference Protocol request of the binary tensor data extension, as
 * Triton's client sends it: one FP32 [N, 4] input after the JSON header, both outputs asked for
 * as binary.
 */
function binaryInferBody(rows: ReturnType<typeof iris>[]): { body: Buffer; headerLength: number } {
  const data = Float32Array.from(
    rows.flatMap((row) => [row.sepal_length, row.sepal_width, row.petal_length, row.petal_width]),
  );
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: 'input', shape: [rows.length, 4], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } },
      ],
      outputs: [
        { name: 'label', parameters: { binary_data: true } },
        { name: 'probabilities', parameters: { binary_data: true } },
      ],
    }),
  );
  return { body: Buffer.concat([header, Buffer.from(data.buffer)]), headerLength: header.length };
}

/** Trains the served model (an MLP on Iris) through the real worker and returns its version row. */
export async function trainServedModel(bench: BenchEnv) {
  const datasetId = await uploadFixture(bench, 'tabular/iris.csv', 'iris');
  const job = await submitTraining(bench, {
    datasetId,
    target: 'species',
    modelName: 'iris',
    model: { type: 'mlp', epochs: 30, seed: 7 },
  });
  await waitForJob(bench, job.id, (j) => j.status === 'succeeded');
  return bench.deps.db.modelVersion.findFirstOrThrow({ where: { model: { name: 'iris' }, version: 1 } });
}

type ServedVersion = Awaited<ReturnType<typeof trainServedModel>>;

/**
 * Writes what the floor of a prediction endpoint (predict-floor-server.ts) serves: the version's
 * model as TensorFlow.js artifacts, its preprocessing, and the bench's API key.
 */
export async function writeFloorModel(bench: BenchEnv, version: ServedVersion, file: string): Promise<void> {
  const model = await loadModelArtifact(bench.deps.store, version.artifactKey, version.artifactSha256);
  const artifacts = await artifactsInMemory(model);
  model.dispose();
  const weightData = artifacts.weightData;
  if (!(weightData instanceof ArrayBuffer)) throw new Error('expected the weights as one buffer');
  await writeFile(
    file,
    JSON.stringify({
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
      weightData: Buffer.from(weightData).toString('base64'),
      preprocessing: version.preprocessing,
      apiKey: bench.auth.authorization.slice('Bearer '.length),
      projectId: randomUUID(),
    }),
  );
}

/** Rows per second of bare TensorFlow.js predict on an encoded matrix, in this process. */
function bareRowsPerSecond(
  model: tf.LayersModel,
  x: Float32Array,
  rows: number,
  preprocessing: PreprocessingState,
  seconds: number,
): number {
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
 * Figures 1 and 2: `:predict` through the real service in a child process (started as `npm
 * start` starts it, with its default info logging), driven by autocannon from this process,
 * side by side with the ceiling (a bare Fastify route, also a child), with a FastAPI +
 * scikit-learn server (what a team would otherwise deploy) and with bare TensorFlow.js predict
 * in this process. Each figure is measured in several rounds, all sides back to back in each.
 */
export async function benchPredict(bench: BenchEnv): Promise<PredictFigures> {
  const version = await trainServedModel(bench);
  const app = await startService(shippedEnv(bench.env), process.env.BENCH_SERVICE_SCRIPT ?? 'start');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-bulk-'));
  let bare: Awaited<ReturnType<typeof startChild>> | undefined;
  let loggedBare: Awaited<ReturnType<typeof startChild>> | undefined;
  let endpointFloor: Awaited<ReturnType<typeof startChild>> | undefined;
  let warnApp: Awaited<ReturnType<typeof startService>> | undefined;
  const peer = await startServingPeer(fileURLToPath(new URL('../test/fixtures/tabular/iris.csv', import.meta.url)));
  const peerUrl = 'predictUrl' in peer ? peer.predictUrl : undefined;
  try {
    const appUrl = `${app.url}/v1/models/iris/versions/1:predict`;
    const single = JSON.stringify({ instances: [iris(3)] });
    const instances = Array.from({ length: BULK_ROWS }, (_, i) => iris(i));
    const bulkBody = JSON.stringify({ instances });
    const binaryInfer = binaryInferBody(instances);
    // The floor answers bulk requests with the API's own answer to the same rows.
    const bulkAnswer = await fetch(appUrl, {
      method: 'POST',
      headers: { ...bench.auth, 'content-type': 'application/json' },
      body: bulkBody,
    });
    if (!bulkAnswer.ok) throw new Error(`bulk predict failed: ${bulkAnswer.status} ${await bulkAnswer.text()}`);
    const answerFile = path.join(scratch, 'bulk-answer.json');
    await writeFile(answerFile, await bulkAnswer.text());
    // The ceiling runs with the same node flags as the API, so both get the same heap.
    bare = await startChild('./bare-server.ts', { BULK_ANSWER_FILE: answerFile }, [], app.nodeFlags);
    const bareUrl = `http://127.0.0.1:${bare.first.port}/v1/models/iris/versions/1`;
    loggedBare = await startChild('./bare-server.ts', { ACCESS_LOG: '1' }, [], app.nodeFlags);
    const loggedBareUrl = `http://127.0.0.1:${loggedBare.first.port}/v1/models/iris/versions/1`;
    const floorModelFile = path.join(scratch, 'floor-model.json');
    await writeFloorModel(bench, version, floorModelFile);
    endpointFloor = await startChild(
      './predict-floor-server.ts',
      { FLOOR_MODEL_FILE: floorModelFile },
      [],
      app.nodeFlags,
    );
    const floorUrl = `http://127.0.0.1:${endpointFloor.first.port}/v1/models/iris/versions/1:predict`;
    warnApp = await startService({ ...shippedEnv(bench.env), LOG_LEVEL: 'warn' }, 'start');
    const warnUrl = `${warnApp.url}/v1/models/iris/versions/1:predict`;
    // Warm-up: model load, JIT, connection pools.
    await loadTest(appUrl, { body: single, headers: bench.auth, connections: 8, seconds: 2 });
    await loadTest(bareUrl, { body: single, connections: 8, seconds: 1 });
    await loadTest(loggedBareUrl, { body: single, connections: 8, seconds: 1 });
    await loadTest(floorUrl, { body: single, headers: bench.auth, connections: 8, seconds: 1 });
    await loadTest(warnUrl, { body: single, headers: bench.auth, connections: 8, seconds: 2 });
    if (peerUrl) await loadTest(peerUrl, { body: single, connections: 8, seconds: 1 });

    const concurrency: PredictFigures['concurrency'] = [];
    for (const connections of [1, 16, 64]) {
      const rounds: LoadPair[] = [];
      for (let round = 0; round < (connections === 64 ? HEADLINE_ROUNDS : ROUNDS); round++) {
        const appResult = await loadTest(appUrl, { body: single, headers: bench.auth, connections, seconds: SECONDS });
        const ceiling = await loadTest(bareUrl, { body: single, connections, seconds: SECONDS });
        const peerResult = peerUrl
          ? await loadTest(peerUrl, { body: single, connections, seconds: SECONDS })
          : undefined;
        const loggedCeiling =
          connections === 64
            ? await loadTest(loggedBareUrl, { body: single, connections, seconds: SECONDS })
            : undefined;
        const floor =
          connections === 64
            ? await loadTest(floorUrl, { body: single, headers: bench.auth, connections, seconds: SECONDS })
            : undefined;
        const warn =
          connections === 64
            ? await loadTest(warnUrl, { body: single, headers: bench.auth, connections, seconds: SECONDS })
            : undefined;
        rounds.push({
          app: appResult,
          ceiling,
          ...(peerResult && { peer: peerResult }),
          ...(loggedCeiling && { loggedCeiling }),
          ...(floor && { endpointFloor: floor }),
          ...(warn && { warnApp: warn }),
        });
      }
      concurrency.push({ connections, rounds });
    }

    await ensureBackend();
    const preprocessing = version.preprocessing as unknown as PreprocessingState;
    const model = await loadModelArtifact(bench.deps.store, version.artifactKey, version.artifactSha256);
    const x = encodeInstances(preprocessing, instances);
    bareRowsPerSecond(model, x, BULK_ROWS, preprocessing, 0.5);
    const bulk: BulkRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const appResult = await loadTest(appUrl, {
        body: bulkBody,
        headers: bench.auth,
        connections: BULK_CONNECTIONS,
        seconds: SECONDS,
      });
      const binary = await loadTest(`${app.url}/v2/models/iris/versions/1/infer`, {
        body: binaryInfer.body,
        contentType: 'application/octet-stream',
        headers: { ...bench.auth, 'inference-header-content-length': String(binaryInfer.headerLength) },
        connections: BULK_CONNECTIONS,
        seconds: SECONDS,
      });
      const floor = await loadTest(bareUrl, { body: bulkBody, connections: BULK_CONNECTIONS, seconds: SECONDS });
      const peerResult = peerUrl
        ? await loadTest(peerUrl, { body: bulkBody, connections: BULK_CONNECTIONS, seconds: SECONDS })
        : undefined;
      bulk.push({
        app: appResult,
        binary,
        floor,
        ...(peerResult && { peer: peerResult }),
        bareRowsPerSecond: bareRowsPerSecond(model, x, BULK_ROWS, preprocessing, SECONDS),
      });
    }
    return {
      concurrency,
      bulk: { rows: BULK_ROWS, connections: BULK_CONNECTIONS, rounds: bulk },
      model,
      preprocessing,
      peer: 'unavailable' in peer ? peer : { settings: peer.settings, accuracy: peer.accuracy },
    };
  } finally {
    await Promise.all([
      app.stop(),
      bare?.stop(),
      loggedBare?.stop(),
      endpointFloor?.stop(),
      warnApp?.stop(),
      'stop' in peer ? peer.stop() : undefined,
    ]);
    await rm(scratch, { recursive: true, force: true });
  }
}
