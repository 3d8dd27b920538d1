/**
 * Training against what users would pick instead: the 64-64-10 MLP on scikit-learn's 8x8
 * digits (1437 training rows), adam at 0.001, batch 32, the same epochs, trained by our
 * training loop (fitModel: the loop a tabular MLP job runs, in this process, on wasm; once
 * with the dense step it takes, once through TensorFlow.js's tape as before it), by a whole
 * job (upload once, then submit -> version registered, through the API, the queue and a
 * worker, on a database and Redis of its own) and by PyTorch (1 and 2 threads) and
 * scikit-learn's MLPClassifier from Debian's /usr/bin/python3, in interleaved rounds, with
 * the test accuracy beside each time. The peers' times are their fit alone. A peer that
 * cannot run is reported unavailable (the job row needs PostgreSQL and Redis, as the tests do).
 *   npx tsx bench/peer-mlp.ts [epochs] [rounds]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, tf } from '../src/ml/backend.ts';
import { buildModel } from '../src/models/build-model.ts';
import { fitModel } from '../src/training/loop/tabular-loop.ts';
import { createBenchEnv, submitTraining, waitForJob, type BenchEnv } from './bench-env.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./peers/torch_mlp.py', import.meta.url));
const epochs = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 3);
const BATCH = 32;

interface Fit {
  seconds: number;
  accuracy: number;
}

function python(args: string[]): Fit | string {
  try {
    return JSON.parse(
      execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!,
    ) as Fit;
  } catch (error) {
    return `peer unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'peer-mlp-')), 'digits.json');
try {
  execFileSync(PYTHON, [SCRIPT, 'dump', file], { stdio: 'ignore' });
} catch {
  // Reported just below: without the data there is nothing to compare.
}
let data: { xTrain: number[][]; yTrain: number[]; xTest: number[][]; yTest: number[] };
try {
  data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
} catch {
  console.log(`digits unavailable: ${PYTHON} with scikit-learn is needed to produce the data`);
  process.exit(0);
}

await selectBackend('wasm');
const width = 64;
const train = {
  x: Float32Array.from(data.xTrain.flat()),
  y: Float32Array.from(data.yTrain),
  rows: data.yTrain.length,
  width,
};

async function ours(tapeOnly: boolean): Promise<Fit> {
  const model = buildModel('mlp', { task: 'classification', inputWidth: width, classes: 10 }, 1, [
    { units: 64, activation: 'relu', dropout: 0 },
  ]);
  const started = performance.now();
  await fitModel(model, train, undefined, {
    epochs,
    batchSize: BATCH,
    learningRate: 0.001,
    optimizer: 'adam',
    l2: 0,
    seed: 1,
    task: 'classification',
    classes: 10,
    tapeOnly,
  });
  const seconds = (performance.now() - started) / 1000;
  const predicted = tf.tidy(
    () => (model.predict(tf.tensor2d(data.xTest)) as tf.Tensor).argMax(1).dataSync() as Int32Array,
  );
  model.dispose();
  const accuracy = data.yTest.filter((label, i) => predicted[i] === label).length / data.yTest.length;
  return { seconds, accuracy };
}

/**
 * The service with a worker in this process, and the digits (train and test rows together,
 * 1797) uploaded as a CSV of 64 pixel columns and the label. The job splits them itself,
 * stratified, 20% test and no validation (so no early stopping): 1437 training rows as on
 * the peers' side, though not the same 1437.
 */
async function jobService(): Promise<{ bench: BenchEnv; datasetId: string } | string> {
  let bench: BenchEnv | undefined;
  try {
    bench = await createBenchEnv();
    const header = [...Array.from({ length: width }, (_, i) => `p${i}`), 'label'].join(',');
    const lines = [...data.xTrain, ...data.xTest].map((x, i) => [...x, [...data.yTrain, ...data.yTest][i]].join(','));
    const response = await bench.app.inject({
      method: 'POST',
      url: '/v1/datasets?name=digits',
      headers: { ...bench.auth, 'content-type': 'text/csv' },
      payload: [header, ...lines].join('\n'),
    });
    if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
    return { bench, datasetId: response.json().id as string };
  } catch (error) {
    await bench?.close().catch(() => undefined);
    return `peer unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

let jobs = 0;
async function job(service: { bench: BenchEnv; datasetId: string }): Promise<Fit> {
  const { bench, datasetId } = service;
  const { id, submittedAt } = await submitTraining(bench, {
    datasetId,
    target: 'label',
    task: 'classification',
    modelName: `digits-${++jobs}`,
    split: { test: 0.2, validation: 0 },
    model: {
      type: 'mlp',
      hiddenLayers: [{ units: 64, activation: 'relu', dropout: 0 }],
      epochs,
      batchSize: BATCH,
      learningRate: 0.001,
      optimizer: 'adam',
      l2: 0,
      seed: 1,
    },
  });
  const done = await waitForJob(bench, id, (j) => j.status === 'succeeded');
  const version = await bench.deps.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: id } });
  const row = await bench.deps.db.trainingJob.findUniqueOrThrow({ where: { id } });
  const seconds = (done - submittedAt) / 1000;
  const queued = (row.startedAt!.getTime() - row.createdAt.getTime()) / 1000;
  const training = version.trainingDurationMs / 1000;
  jobParts.push({ queued, training, rest: seconds - queued - training, backend: version.backend });
  return { seconds, accuracy: (version.metrics as { accuracy: number }).accuracy };
}

/** Per job: created -> started, the pipeline (prepare, fit, evaluate), and the rest (save, register, polls). */
const jobParts: Array<{ queued: number; training: number; rest: number; backend: string }> = [];

const service = await jobService();
const results = new Map<string, (Fit | string)[]>();
const add = (name: string, r: Fit | string) => results.set(name, [...(results.get(name) ?? []), r]);
for (let round = 0; round < rounds; round++) {
  add('ours, fitModel (dense step)', await ours(false));
  add('ours, fitModel (tfjs tape)', await ours(true));
  add('ours, job end to end', typeof service === 'string' ? service : await job(service));
  add('PyTorch 1 thread', python(['torch', file, '1', String(epochs), String(BATCH)]));
  add('PyTorch 2 threads', python(['torch', file, '2', String(epochs), String(BATCH)]));
  add('scikit-learn MLPClassifier', python(['sklearn', file, String(epochs), String(BATCH)]));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
if (typeof service !== 'string') await service.bench.close();
const torchFits = (results.get('PyTorch 1 thread') ?? []).filter((r): r is Fit => typeof r !== 'string');
const torchMedian = median(torchFits.map((r) => r.seconds));
console.log(
  `MLP 64-64-10, digits ${train.rows} rows, ${epochs} epochs, batch ${BATCH}, adam 0.001; medians of ${rounds} interleaved rounds`,
);
for (const [name, rs] of results) {
  const fits = rs.filter((r): r is Fit => typeof r !== 'string');
  if (fits.length === 0) {
    console.log(`  ${name}: ${rs[0] as string}`);
    continue;
  }
  const s = median(fits.map((r) => r.seconds));
  console.log(
    `  ${name.padEnd(30)} ${s.toFixed(2).padStart(7)} s  accuracy ${median(fits.map((r) => r.accuracy)).toFixed(3)}  ${(s / torchMedian).toFixed(2)}x PyTorch 1 thread`,
  );
}
if (jobParts.length > 0) {
  console.log(
    `  job parts, per round (backend ${jobParts[0]!.backend}): queued / pipeline (prepare, fit, evaluate) / save and register: ` +
      jobParts.map((p) => [p.queued, p.training, p.rest].map((x) => x.toFixed(2)).join(' / ')).join(', ') +
      ' s',
  );
}
