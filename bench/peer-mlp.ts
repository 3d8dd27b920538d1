/**
 * Training against what users would pick instead: the 64-64-10 MLP on scikit-learn's 8x8
 * digits (1437 training rows), adam at 0.001, batch 32, the same epochs, trained by our
 * training loop (fitModel: the loop a tabular MLP job runs, in this process, on wasm) and by
 * PyTorch (1 and 2 threads) and scikit-learn's MLPClassifier from Debian's /usr/bin/python3,
 * in interleaved rounds, with the test accuracy beside each time. Fit time only on both sides
 * (no job plumbing); a peer that cannot run is reported unavailable.
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

async function ours(): Promise<Fit> {
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
  });
  const seconds = (performance.now() - started) / 1000;
  const predicted = tf.tidy(
    () => (model.predict(tf.tensor2d(data.xTest)) as tf.Tensor).argMax(1).dataSync() as Int32Array,
  );
  model.dispose();
  const accuracy = data.yTest.filter((label, i) => predicted[i] === label).length / data.yTest.length;
  return { seconds, accuracy };
}

const results = new Map<string, (Fit | string)[]>();
const add = (name: string, r: Fit | string) => results.set(name, [...(results.get(name) ?? []), r]);
for (let round = 0; round < rounds; round++) {
  add('ours (tfjs wasm, fitModel)', await ours());
  add('PyTorch 1 thread', python(['torch', file, '1', String(epochs), String(BATCH)]));
  add('PyTorch 2 threads', python(['torch', file, '2', String(epochs), String(BATCH)]));
  add('scikit-learn MLPClassifier', python(['sklearn', file, String(epochs), String(BATCH)]));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const oursMedian = median((results.get('ours (tfjs wasm, fitModel)') as Fit[]).map((r) => r.seconds));
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
    `  ${name.padEnd(28)} ${s.toFixed(2).padStart(7)} s  accuracy ${median(fits.map((r) => r.accuracy)).toFixed(3)}  ours/this ${(oursMedian / s).toFixed(2)}x`,
  );
}
