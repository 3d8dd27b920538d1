import type { ColumnProfile } from '../src/datasets/column-profile.ts';
import { readDatasetRows } from '../src/datasets/read-rows.ts';
import { ensureBackend, tf } from '../src/ml/backend.ts';
import { buildModel } from '../src/models/build-model.ts';
import { prepareTabular } from '../src/training/pipelines/tabular.ts';
import { submitTraining, uploadFixture, waitForJob, type BenchEnv } from './bench-env.ts';

export interface TrainingFigures {
  /** Submit -> version registered, through the API, the queue and a worker. */
  endToEndMs: number;
  /** `model.fit` alone on the same encoded training split, in this process. */
  bareFitMs: number;
  epochs: number;
  trainingRows: number;
  /** Submit -> the job's status is `running`, one job at a time on an idle worker. */
  queueLatencyMs: number[];
}

const EPOCHS = Number(process.env.BENCH_TRAINING_EPOCHS ?? 150);
const QUEUE_SAMPLES = Number(process.env.BENCH_QUEUE_SAMPLES ?? 5);

/**
 * Figures 3 and 5. The job is an MLP on Penguins; the bare baseline prepares the very same
 * split (same seed) and runs tf `model.fit` with the same epochs, batch size and optimiser.
 */
export async function benchTraining(bench: BenchEnv): Promise<TrainingFigures> {
  const datasetId = await uploadFixture(bench, 'tabular/penguins.csv', 'penguins');
  const request = {
    datasetId,
    target: 'species',
    modelName: 'penguins',
    model: { type: 'mlp' as const, epochs: EPOCHS, batchSize: 32, learningRate: 0.01, seed: 11 },
  };

  const job = await submitTraining(bench, request);
  const done = await waitForJob(bench, job.id, (j) => j.status === 'succeeded');
  const endToEndMs = done - job.submittedAt;

  const dataset = await bench.deps.db.dataset.findUniqueOrThrow({ where: { id: datasetId } });
  const columns = dataset.columns as unknown as ColumnProfile[];
  const rows = await readDatasetRows({
    source: bench.deps.store.createReadStream(dataset.artifactKey),
    format: 'csv',
    columns,
  });
  await ensureBackend();
  const prepared = prepareTabular({ rows, columns, target: 'species', model: request.model });
  const classes =
    prepared.preprocessing.target.task === 'classification' ? prepared.preprocessing.target.labels.length : 1;
  const { model: spec, seed } = prepared.request;
  const model = buildModel(
    prepared.modelType,
    { task: prepared.task, inputWidth: prepared.preprocessing.width, classes },
    seed,
    spec.type === 'mlp' ? spec.hiddenLayers : [],
  );
  const x = tf.tensor2d(prepared.train.x, [prepared.train.rows, prepared.train.width]);
  const y = tf.oneHot(tf.tensor1d(prepared.train.y, 'int32'), classes).toFloat();
  model.compile({ optimizer: tf.train.adam(spec.learningRate), loss: 'categoricalCrossentropy' });
  const started = performance.now();
  await model.fit(x, y, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: true, verbose: 0 });
  const bareFitMs = performance.now() - started;
  tf.dispose([x, y]);
  model.dispose();

  // Queue latency: one short job at a time, so each meets an idle worker.
  const queueLatencyMs: number[] = [];
  for (let i = 0; i < QUEUE_SAMPLES; i++) {
    const quick = await submitTraining(bench, {
      ...request,
      modelName: 'queue-probe',
      model: { type: 'logistic', epochs: 1, seed: i + 1 },
    });
    const running = await waitForJob(bench, quick.id, (j) => j.status !== 'queued');
    queueLatencyMs.push(running - quick.submittedAt);
    await waitForJob(bench, quick.id, (j) => j.status === 'succeeded');
  }
  return { endToEndMs, bareFitMs, epochs: spec.epochs, trainingRows: prepared.train.rows, queueLatencyMs };
}
