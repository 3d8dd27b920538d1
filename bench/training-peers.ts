/**
 * Training against what users would pick instead (BENCHMARKS.md, 7a-7d): the same networks, data,
 * epochs, batch size (32) and optimiser (adam, 0.001) trained by the service's own training loops
 * in this process (`fitModel` for the MLP, `fitDeepModel` for the deep families, as a job runs
 * them, on wasm) and by PyTorch with 1 and 2 threads (and scikit-learn's MLPClassifier for the
 * MLP) from Debian's /usr/bin/python3, in interleaved rounds, test accuracy beside each time so
 * that speed is never bought with quality. A peer that cannot run is reported unavailable.
 *   7a: MLP 64-64-10 on scikit-learn's 8x8 digits (1437 training rows).
 *   7b: CNN conv32-pool-conv64-pool-dense64 on the same digits as 8x8x1 images.
 *   7c, 7d: text transformer (embedding 32, 2 heads, feed-forward 64, 1 block) and LSTM (32 units)
 *   on the topic sentences of test/fixtures/text (the training texts repeated 16 times, so that an
 *   epoch has enough steps to time), 5,000-token vocabulary, 32 tokens; per epoch.
 * The peers' times are their fit alone; ours are the loop's fit and, for the MLP (whose target is
 * a whole job), a job through the API, the queue and a worker when a service is given, and the
 * fit on TensorFlow.js's gradient tape (what the hand-written dense step replaced).
 * Alone: `npm run bench -- peers` (BENCH_PEER_ROUNDS, BENCH_PEER_MLP_EPOCHS, BENCH_PEER_CNN_EPOCHS,
 * BENCH_PEER_TEXT_EPOCHS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend, tf } from '../src/ml/backend.ts';
import { SeededRandom } from '../src/ml/seeded-random.ts';
import { tidyData } from '../src/ml/tensor-data.ts';
import { buildDeepModel } from '../src/models/architectures/index.ts';
import { deepModelSchema } from '../src/models/architectures/schemas.ts';
import { buildModel } from '../src/models/build-model.ts';
import { TextVectorizer } from '../src/preprocessing/text-vectorizer.ts';
import { fitDeepModel, predictExamples, type DeepExamples } from '../src/training/loop/deep-loop.ts';
import { fitModel } from '../src/training/loop/tabular-loop.ts';
import type { BenchEnv } from './bench-env.ts';
import { submitTraining, waitForJob } from './bench-env.ts';
import { PYTHON } from './serving-peer.ts';

const SCRIPT = fileURLToPath(new URL('./peers/torch_train.py', import.meta.url));
const BATCH = 32;
/** The settings every side trains with. */
const TRAINING = { batchSize: BATCH, learningRate: 0.001, optimizer: 'adam', l2: 0, seed: 1 } as const;

export interface Fit {
  seconds: number;
  accuracy: number;
}

export type PeerName = 'PyTorch 1 thread' | 'PyTorch 2 threads' | 'scikit-learn';

/** Our other ways of training the same network, beside the loop's fit (7a only). */
export type OursVariant = 'job end to end' | 'fit through the TensorFlow.js tape';

export interface TrainingPeerRow {
  id: string;
  what: string;
  epochs: number;
  /** Ours / PyTorch 1 thread (time) at most this, by the targets. */
  target: number;
  /** Per round. */
  ours: Fit[];
  /** 7a: a whole job (submit to version registered) and the fit on TensorFlow.js's tape, per round. */
  variants?: Partial<Record<OursVariant, Fit[] | string>>;
  peers: Partial<Record<PeerName, Fit[] | string>>;
}

/** Seconds per call of one kernel, ours (wasm) and PyTorch 1 thread's, per round. */
export interface KernelCall {
  ours: number[];
  torch: number[] | string;
}

export interface TrainingPeersFigures {
  rounds: number;
  rows: TrainingPeerRow[];
  /** The CNN's largest convolution and a product of its im2col size, called alone (7b'). */
  kernels?: { conv: KernelCall; matmul: KernelCall };
  /** Why nothing could be compared (no python with scikit-learn to make the digits). */
  unavailable?: string;
}

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Runs the peer and reads its last line of JSON (a fit, unless said); a failure is the reason it is unavailable. */
function peer<T = Fit>(args: string[]): T | string {
  try {
    const out = execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as T;
  } catch (error) {
    return `peer unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

function argmaxAccuracy(outputs: Float32Array, classes: number, labels: number[]): number {
  let correct = 0;
  labels.forEach((label, row) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (outputs[row * classes + k]! > outputs[row * classes + best]!) best = k;
    if (best === label) correct++;
  });
  return correct / labels.length;
}

const oneHot = (labels: number[], classes: number) => {
  const y = new Float32Array(labels.length * classes);
  labels.forEach((label, row) => (y[row * classes + label] = 1));
  return y;
};

const KERNEL_REPEATS = 300;

/** Ours: the same two calls as torch_train.py's `ops`, on the active backend, seconds per call. */
function oursKernels(): { conv: number; matmul: number } {
  const [x, w, a, b] = [
    tf.randomNormal([32, 4, 4, 32], 0, 1, 'float32', 1),
    tf.randomNormal([3, 3, 32, 64], 0, 1, 'float32', 2),
    tf.randomNormal([512, 288], 0, 1, 'float32', 3),
    tf.randomNormal([288, 64], 0, 1, 'float32', 4),
  ] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor2D, tf.Tensor2D];
  const timed = (call: () => tf.Tensor) => {
    const run = () => tf.tidy(() => void call().dataSync());
    for (let i = 0; i <= KERNEL_REPEATS / 10; i++) run();
    const started = performance.now();
    for (let i = 0; i < KERNEL_REPEATS; i++) run();
    return (performance.now() - started) / 1000 / KERNEL_REPEATS;
  };
  try {
    return { conv: timed(() => tf.conv2d(x, w, 1, 'same')), matmul: timed(() => tf.matMul(a, b)) };
  } finally {
    tf.dispose([x, w, a, b]);
  }
}

/** PyTorch 1 thread's seconds per call, or why it is unavailable. */
const torchKernels = () => peer<{ conv: number; matmul: number }>(['ops', '-', '1', String(KERNEL_REPEATS), '0']);

interface Split {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
}

async function oursMlp(d: Split, epochs: number, tapeOnly = false): Promise<Fit> {
  const model = buildModel('mlp', { task: 'classification', inputWidth: 64, classes: 10 }, 1, [
    { units: 64, activation: 'relu', dropout: 0 },
  ]);
  const train = {
    x: Float32Array.from(d.xTrain.flat()),
    y: Float32Array.from(d.yTrain),
    rows: d.yTrain.length,
    width: 64,
  };
  const started = performance.now();
  await fitModel(model, train, undefined, { ...TRAINING, epochs, task: 'classification', classes: 10, tapeOnly });
  const seconds = (performance.now() - started) / 1000;
  const outputs = tidyData(() => model.predict(tf.tensor2d(d.xTest)) as tf.Tensor);
  model.dispose();
  return { seconds, accuracy: argmaxAccuracy(outputs, 10, d.yTest) };
}

/** A deep family trained by the deep loop a job runs; `x` rows are examples of `shape`. */
async function oursDeep(
  raw: object,
  input: Parameters<typeof buildDeepModel>[1],
  d: Split,
  shape: number[],
  classes: number,
  epochs: number,
): Promise<Fit> {
  const task = { kind: 'classification', numClasses: classes } as const;
  const model = buildDeepModel(deepModelSchema.parse(raw), input, task, { seed: 1 });
  const train: DeepExamples = {
    x: Float32Array.from(d.xTrain.flat()),
    y: oneHot(d.yTrain, classes),
    count: d.yTrain.length,
    shape,
    yWidth: classes,
  };
  const started = performance.now();
  await fitDeepModel(model, train, undefined, { ...TRAINING, epochs, loss: 'categoricalCrossentropy' });
  const seconds = (performance.now() - started) / 1000;
  const outputs = predictExamples(model, Float32Array.from(d.xTest.flat()), d.yTest.length, shape);
  model.dispose();
  return { seconds, accuracy: argmaxAccuracy(outputs, classes, d.yTest) };
}

/**
 * The digits (train and test rows together, 1797) uploaded once as a CSV of 64 pixel columns
 * and the label, for whole jobs. The job splits them itself, stratified, 20% test and no
 * validation (so no early stopping): 1437 training rows as on the peers' side, though not the
 * same 1437, so its accuracy is on its own test split.
 */
async function uploadDigits(bench: BenchEnv, d: Split): Promise<string> {
  const header = [...Array.from({ length: 64 }, (_, i) => `p${i}`), 'label'].join(',');
  const labels = [...d.yTrain, ...d.yTest];
  const lines = [...d.xTrain, ...d.xTest].map((x, i) => [...x, labels[i]].join(','));
  const response = await bench.app.inject({
    method: 'POST',
    url: '/v1/datasets?name=peer-digits',
    headers: { ...bench.auth, 'content-type': 'text/csv' },
    payload: [header, ...lines].join('\n'),
  });
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json().id as string;
}

let jobs = 0;

/** A whole MLP job through the API, the queue and the worker: submitted to version registered. */
async function mlpJob(bench: BenchEnv, datasetId: string, epochs: number): Promise<Fit> {
  const { id, submittedAt } = await submitTraining(bench, {
    datasetId,
    target: 'label',
    task: 'classification',
    modelName: `peer-digits-${++jobs}`,
    split: { test: 0.2, validation: 0 },
    model: { ...TRAINING, type: 'mlp', hiddenLayers: [{ units: 64, activation: 'relu', dropout: 0 }], epochs },
  });
  const done = await waitForJob(bench, id, (j) => j.status === 'succeeded');
  const version = await bench.deps.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: id } });
  return { seconds: (done - submittedAt) / 1000, accuracy: (version.metrics as { accuracy: number }).accuracy };
}

const TEXT_REPEATS = 16;

/**
 * The topic sentences tokenised as the service does (5,000 tokens, 32 per text), split 80/20,
 * seeded; the training texts repeated `TEXT_REPEATS` times.
 */
async function topics(): Promise<Split & { vocabSize: number; maxLength: number; classes: number }> {
  const rows = (await readFile(new URL('../test/fixtures/text/topics.ndjson', import.meta.url), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; topic: string });
  const random = new SeededRandom(7);
  const order = rows.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.floor(rows.length * 0.8);
  const labels = [...new Set(rows.map((r) => r.topic))].sort();
  const maxLength = 32;
  const vectorizer = TextVectorizer.fit(
    order.slice(0, cut).map((i) => rows[i]!.text),
    { maxTokens: 5000, maxLength },
  );
  const part = (ids: number[]) => ({
    x: vectorizer.encodeBatch(ids.map((i) => rows[i]!.text)),
    y: ids.map((i) => labels.indexOf(rows[i]!.topic)),
  });
  // The fixture is small (108 training texts): repeated so an epoch has enough steps to time.
  const train = part(Array.from({ length: TEXT_REPEATS }, () => order.slice(0, cut)).flat());
  const test = part(order.slice(cut));
  return {
    xTrain: train.x,
    yTrain: train.y,
    xTest: test.x,
    yTest: test.y,
    vocabSize: vectorizer.vocabSize,
    maxLength,
    classes: labels.length,
  };
}

/**
 * Figures 7a-7d, `rounds` interleaved rounds (ours, then each peer, per model). Leaves wasm as
 * the active backend.
 */
export async function benchTrainingPeers(
  opts: { rounds?: number; mlpEpochs?: number; cnnEpochs?: number; textEpochs?: number; bench?: BenchEnv } = {},
): Promise<TrainingPeersFigures> {
  const rounds = opts.rounds ?? setting('BENCH_PEER_ROUNDS', 2);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'maas-bench-peers-'));
  try {
    const digitsFile = path.join(scratch, 'digits.json');
    const dumped = peer(['dump', digitsFile]);
    let digits: Split;
    try {
      digits = JSON.parse(await readFile(digitsFile, 'utf8')) as Split;
    } catch {
      return { rounds, rows: [], unavailable: typeof dumped === 'string' ? dumped : 'no digits' };
    }
    const text = await topics();
    const textFile = path.join(scratch, 'topics.json');
    await writeFile(textFile, JSON.stringify(text));
    await selectBackend('wasm');
    const mlpEpochs = opts.mlpEpochs ?? setting('BENCH_PEER_MLP_EPOCHS', 100);
    const cnnEpochs = opts.cnnEpochs ?? setting('BENCH_PEER_CNN_EPOCHS', 5);
    const textEpochs = opts.textEpochs ?? setting('BENCH_PEER_TEXT_EPOCHS', 5);
    const torch = (mode: string, file: string, epochs: number) => ({
      'PyTorch 1 thread': () => peer([mode, file, '1', String(epochs), String(BATCH)]),
      'PyTorch 2 threads': () => peer([mode, file, '2', String(epochs), String(BATCH)]),
    });
    const { bench } = opts;
    // The uploaded digits for whole jobs, or why there are none.
    const uploaded: { bench: BenchEnv; id: string } | { unavailable: string } = bench
      ? await uploadDigits(bench, digits).then(
          (id) => ({ bench, id }),
          (error: Error) => ({ unavailable: error.message }),
        )
      : { unavailable: 'no service in this run' };
    // An untimed first job: the worker's first job also starts its training child process.
    if ('id' in uploaded) await mlpJob(uploaded.bench, uploaded.id, 1);
    const cases: {
      row: Omit<TrainingPeerRow, 'ours' | 'peers' | 'variants'>;
      ours: () => Promise<Fit>;
      variants?: Partial<Record<OursVariant, () => Promise<Fit | string>>>;
      peers: Partial<Record<PeerName, () => Fit | string>>;
    }[] = [
      {
        row: { id: '7a', what: 'MLP 64-64-10, digits (1437 rows)', epochs: mlpEpochs, target: 1.5 },
        ours: () => oursMlp(digits, mlpEpochs),
        variants: {
          'job end to end': async () =>
            'id' in uploaded ? mlpJob(uploaded.bench, uploaded.id, mlpEpochs) : `unavailable (${uploaded.unavailable})`,
          'fit through the TensorFlow.js tape': () => oursMlp(digits, mlpEpochs, true),
        },
        peers: {
          ...torch('mlp', digitsFile, mlpEpochs),
          'scikit-learn': () => peer(['sklearn', digitsFile, String(mlpEpochs), String(BATCH)]),
        },
      },
      {
        row: { id: '7b', what: 'CNN conv32-pool-conv64-pool-dense64, digits as 8x8x1', epochs: cnnEpochs, target: 2 },
        ours: () =>
          oursDeep(
            {
              type: 'cnn',
              convBlocks: [
                { filters: 32, kernelSize: 3 },
                { filters: 64, kernelSize: 3 },
              ],
              denseUnits: [64],
            },
            { kind: 'image', height: 8, width: 8, channels: 1 },
            digits,
            [8, 8, 1],
            10,
            cnnEpochs,
          ),
        peers: torch('cnn', digitsFile, cnnEpochs),
      },
      ...(['transformer', 'lstm'] as const).map((kind) => ({
        row: {
          id: kind === 'transformer' ? '7c' : '7d',
          what:
            kind === 'transformer'
              ? `text transformer (embedding 32, 2 heads, ff 64, 1 block), ${text.yTrain.length} texts (${TEXT_REPEATS} x ${text.yTrain.length / TEXT_REPEATS}), 32 tokens`
              : `text LSTM (32 units, embedding 32), ${text.yTrain.length} texts (${TEXT_REPEATS} x ${text.yTrain.length / TEXT_REPEATS}), 32 tokens`,
          epochs: textEpochs,
          target: 3,
        },
        ours: () =>
          oursDeep(
            kind === 'transformer'
              ? { type: 'transformer', embedDim: 32, numHeads: 2, ffDim: 64 }
              : { type: 'lstm', units: [32] },
            { kind: 'tokens', maxLength: text.maxLength, vocabSize: text.vocabSize },
            text,
            [text.maxLength],
            text.classes,
            textEpochs,
          ),
        peers: torch(kind, textFile, textEpochs),
      })),
    ];
    const rows: TrainingPeerRow[] = cases.map((c) => ({
      ...c.row,
      ours: [],
      peers: {},
      ...(c.variants && { variants: {} }),
    }));
    /** Adds a round's result: fits collect, and the first reason a side is unavailable stays. */
    const record = <K extends string>(into: Partial<Record<K, Fit[] | string>>, name: K, result: Fit | string) => {
      const before = into[name];
      if (typeof result === 'string') into[name] ??= result;
      else into[name] = [...(Array.isArray(before) ? before : []), result];
    };
    const kernels = { conv: { ours: [], torch: [] }, matmul: { ours: [], torch: [] } } as {
      conv: KernelCall;
      matmul: KernelCall;
    };
    for (let round = 0; round < rounds; round++) {
      const ours = oursKernels();
      const theirs = torchKernels();
      for (const name of ['conv', 'matmul'] as const) {
        kernels[name].ours.push(ours[name]);
        const torch = kernels[name].torch;
        if (typeof theirs === 'string') kernels[name].torch = theirs;
        else if (Array.isArray(torch)) torch.push(theirs[name]);
      }
    }
    for (let round = 0; round < rounds; round++)
      for (const [i, c] of cases.entries()) {
        const row = rows[i]!;
        row.ours.push(await c.ours());
        for (const [name, run] of Object.entries(c.variants ?? {}) as [OursVariant, () => Promise<Fit | string>][])
          record(row.variants!, name, await run());
        for (const [name, run] of Object.entries(c.peers) as [PeerName, () => Fit | string][])
          record(row.peers, name, run());
      }
    return { rounds, rows, kernels };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/**
 * A row's time against PyTorch 1 thread's, per round and the median: a whole job's where one was
 * run (7a, whose target is the job), else the loop's fit.
 */
function judged(row: TrainingPeerRow): { ratios: number[]; ratio: number } {
  const torch1 = row.peers['PyTorch 1 thread'];
  const job = row.variants?.['job end to end'];
  const timed = Array.isArray(job) ? job : row.ours;
  const ratios = Array.isArray(torch1) ? timed.map((r, i) => r.seconds / (torch1[i]?.seconds ?? NaN)) : [];
  return { ratios, ratio: median(ratios) };
}

/** The lines of the report's missed targets for rows 7a-7d over their target. */
export function trainingPeersMisses(p: TrainingPeersFigures | { error: string } | undefined): string[] {
  if (p === undefined || 'error' in p || p.unavailable) return [];
  return p.rows.flatMap((row) => {
    const { ratio } = judged(row);
    return ratio > row.target
      ? [`- ${row.id}: ${f(ratio)}x PyTorch 1 thread's fit, over ${row.target}x (${row.what}).`]
      : [];
  });
}

/** Rows 7a-7d of the report's table: ours against each peer, ratios per round, accuracy beside. */
export function trainingPeersRows(p: TrainingPeersFigures | { error: string } | undefined): string[] {
  if (p === undefined) return [];
  if ('error' in p) return [`| 7 | training against PyTorch and scikit-learn | failed: ${p.error} | - | - |`];
  if (p.unavailable) return [`| 7 | training against PyTorch and scikit-learn | ${p.unavailable} | - | - |`];
  const described = (name: string, fits: Fit[] | string | undefined) =>
    typeof fits === 'string' || fits === undefined
      ? `${name}: ${fits ?? 'n/a'}`
      : `${name} ${f(median(fits.map((r) => r.seconds)))} s (accuracy ${f(median(fits.map((r) => r.accuracy)), 3)})`;
  const rows = p.rows.map((row) => {
    const ours = median(row.ours.map((r) => r.seconds));
    const job = row.variants?.['job end to end'];
    const { ratios, ratio } = judged(row);
    const perEpoch = row.id === '7c' || row.id === '7d' ? ` (${f(ours / row.epochs)} s an epoch)` : '';
    const parts = [
      `ours, the loop's fit ${f(ours)} s${perEpoch} (accuracy ${f(median(row.ours.map((r) => r.accuracy)), 3)})`,
      ...Object.entries(row.variants ?? {}).map(([name, fits]) => described(`ours, ${name}`, fits)),
      ...Object.entries(row.peers).map(([name, fits]) => described(name, fits)),
    ];
    return (
      `| ${row.id} | ${row.what}, ${row.epochs} epochs, batch ${BATCH}, adam: time, ours vs peers (their fit) | ` +
      `${parts.join('; ')}; ${Array.isArray(job) ? 'job end to end' : 'fit'} / PyTorch 1 thread **${f(ratio)}x** ` +
      `(rounds: ${ratios.map((r) => f(r)).join(', ')}) | <= ${row.target}x | ` +
      `${Number.isFinite(ratio) ? (ratio <= row.target ? 'met' : '**missed**') : '-'} |`
    );
  });
  return p.kernels ? [...rows, kernelsRow(p.kernels)] : rows;
}

/** 7b': one call of the CNN's largest convolution and of a product of its size, ours against PyTorch's. */
function kernelsRow(kernels: { conv: KernelCall; matmul: KernelCall }): string {
  const ms = (seconds: number) => f(seconds * 1000, 3);
  const described = ([name, { ours, torch }]: [string, KernelCall]) => {
    const mine = median(ours);
    if (typeof torch === 'string') return `${name}: ours ${ms(mine)} ms; PyTorch 1 thread: ${torch}`;
    const theirs = median(torch);
    return `${name}: ours ${ms(mine)} ms, PyTorch 1 thread ${ms(theirs)} ms, **${f(mine / theirs)}x**`;
  };
  return (
    `| 7b' | one call, ${KERNEL_REPEATS} timed after a warm-up: conv = the CNN's second convolution (batch 32, 4x4x32 in, ` +
    `64 3x3 filters, same padding; XNNPACK on wasm SIMD here), matmul = [512, 288] x [288, 64] (its im2col size) | ` +
    `${Object.entries(kernels).map(described).join('; ')} | reported | - |`
  );
}
