/**
 * Tabular training on a table read from the store pass by pass, never held whole: one pass
 * fits the preprocessing (streaming-fit.ts) and counts the parts, each epoch is one more pass
 * shuffled through a bounded buffer, and rows go to train, validation or test by a hash of
 * their values (row-split.ts), the same on every pass and every worker. Held-out metrics,
 * evaluation curves, importance and the explanation background come from bounded seeded
 * samples drawn in the first pass. The version it returns has the same preprocessing state
 * as an in-memory run's, and is served the same way.
 */
import type { ColumnProfile, DatasetRow } from '../../datasets/column-profile.ts';
import { ReservoirSample } from '../../datasets/reservoir-sample.ts';
import { ShuffleBuffer } from '../../datasets/shuffle-buffer.ts';
import { UnprocessableError } from '../../errors.ts';
import { BACKGROUND_ROWS } from '../../explanations/background.ts';
import { ensureBackend } from '../../ml/backend.ts';
import type { PreprocessingState } from '../../preprocessing/preprocessing-state.ts';
import { StreamingPreprocessingFit } from '../../preprocessing/streaming-fit.ts';
import { encodeDataset } from '../../preprocessing/tabular-preprocessing.ts';
import { isPresent } from '../../preprocessing/target-encoding.ts';
import type { TrainingHooks } from '../loop/epoch-loop.ts';
import { mix } from '../loop/gradient-step.ts';
import { fitStreamed, type EpochStream } from '../loop/tabular-stream-loop.ts';
import { loopOptions, seededSpec } from './request.ts';
import type { SeededSpec, UnvalidatedSpec } from './request.ts';
import { rowPart, type RowPart } from './row-split.ts';
import { MIN_TRAINING_ROWS, tooFewRows } from './split.ts';
import { evaluatedTabular, planTabular, tabularModel, type TrainTabularResult } from './tabular.ts';

/** Rows the shuffle buffer holds by default: a few MB of parsed rows. */
export const SHUFFLE_BUFFER_ROWS = 10_000;
/** Rows of the test and of the validation split kept to measure on, by default. */
export const EVALUATION_SAMPLE_ROWS = 10_000;

/** A table read a pass at a time. */
export interface StreamedTable {
  columns: ColumnProfile[];
  /** Rows in the table, as profiled at upload (the plan's row checks use it). */
  rowCount: number;
  /** A fresh pass over the rows in file order, a chunk at a time. */
  pass(): AsyncIterable<DatasetRow[]>;
}

export type StreamedTabularRequest = UnvalidatedSpec & {
  table: StreamedTable;
  /** Rows the epoch shuffle holds (SHUFFLE_BUFFER_ROWS by default). */
  shuffleBufferRows?: number;
  /** Rows of the test and of the validation split kept for metrics (EVALUATION_SAMPLE_ROWS by default). */
  evaluationSampleRows?: number;
};

interface FirstPass {
  preprocessing: PreprocessingState;
  counts: Record<RowPart, number> & { total: number; dropped: number };
  test: DatasetRow[];
  validation: DatasetRow[];
  background: DatasetRow[];
}

/** Trains and evaluates a tabular model on a streamed table (see the file comment). */
export async function trainTabularStreamed(
  input: StreamedTabularRequest,
  hooks: TrainingHooks = {},
): Promise<TrainTabularResult> {
  const started = Date.now();
  const request = seededSpec(input);
  const { table } = input;
  const plan = planTabular(request, table.columns, table.rowCount);
  const { task, target } = plan;
  const partOf = rowPartOf(request, table.columns);
  const first = await firstPass(input, request, plan, partOf);
  const { preprocessing, counts } = first;
  const test = encodeDataset(preprocessing, first.test);
  const validation = encodeDataset(preprocessing, first.validation);
  const background = encodeDataset(preprocessing, first.background);
  const { model: spec, seed } = request;
  const backend = await ensureBackend();
  const { model, classes } = tabularModel(plan.modelType, task, preprocessing, request);
  const epochs: EpochStream = (epoch, from) =>
    trainingBatches(table, {
      isTraining: (row) => isPresent(row[target.name]) && partOf(row) === 'train',
      preprocessing,
      batchSize: spec.batchSize,
      bufferRows: input.shuffleBufferRows ?? SHUFFLE_BUFFER_ROWS,
      seed: mix(seed, epoch, 0),
      from,
    });
  try {
    const fit = await fitStreamed(
      model,
      counts.train,
      epochs,
      validation.rows > 0 ? validation : undefined,
      { ...loopOptions(request), task, classes },
      hooks,
    );
    return {
      ...evaluatedTabular(model, preprocessing, { test, validation, background }, fit, request),
      modelType: plan.modelType,
      task,
      backend,
      durationMs: Date.now() - started,
      excludedColumns: plan.selection.excluded,
      rowCounts: {
        total: counts.total,
        droppedMissingTarget: counts.dropped,
        train: counts.train,
        validation: counts.validation,
        test: counts.test,
        ...(test.rows < counts.test ? { testEvaluated: test.rows } : {}),
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The part of a row under the request's split, hashed over every profiled column. */
function rowPartOf(request: SeededSpec, columns: ColumnProfile[]): (row: DatasetRow) => RowPart {
  const names = columns.map((column) => column.name);
  const { split } = request;
  return (row) => rowPart(row, names, split, split.seed);
}

/**
 * The pass before training: fits the preprocessing on the training part, counts every part,
 * and keeps seeded samples of the test and validation parts and of training rows (the
 * explanation background). Refuses what prepareTabular refuses: no target, too few rows.
 */
async function firstPass(
  input: StreamedTabularRequest,
  request: SeededSpec,
  plan: ReturnType<typeof planTabular>,
  partOf: (row: DatasetRow) => RowPart,
): Promise<FirstPass> {
  const { target, task, selection } = plan;
  const fit = new StreamingPreprocessingFit({
    features: selection.features,
    target,
    task,
    standardizeTarget: request.model.standardizeTarget,
  });
  const sampleRows = input.evaluationSampleRows ?? EVALUATION_SAMPLE_ROWS;
  const samples = {
    test: new ReservoirSample<DatasetRow>(sampleRows, mix(request.seed, 1)),
    validation: new ReservoirSample<DatasetRow>(sampleRows, mix(request.seed, 2)),
    train: new ReservoirSample<DatasetRow>(BACKGROUND_ROWS, mix(request.seed, 3)),
  };
  const counts = { total: 0, dropped: 0, train: 0, validation: 0, test: 0 };
  for await (const chunk of input.table.pass()) {
    for (const row of chunk) {
      counts.total++;
      const label = row[target.name];
      if (!isPresent(label)) {
        counts.dropped++;
        continue;
      }
      fit.addLabel(label);
      const part = partOf(row);
      counts[part]++;
      samples[part].add(row);
      if (part === 'train') fit.addTraining(row);
    }
  }
  if (counts.total === counts.dropped)
    throw new UnprocessableError('target_all_missing', `Every value of the target '${target.name}' is missing.`, [
      { path: 'target', message: 'always missing' },
    ]);
  const { split } = request;
  if (counts.train < MIN_TRAINING_ROWS || counts.test === 0 || (split.validation > 0 && counts.validation === 0))
    throw tooFewRows(counts.total - counts.dropped, split);
  return {
    preprocessing: fit.state(),
    counts,
    test: samples.test.items(),
    validation: samples.validation.items(),
    background: samples.train.items(),
  };
}

interface BatchOptions {
  isTraining(row: DatasetRow): boolean;
  preprocessing: PreprocessingState;
  batchSize: number;
  bufferRows: number;
  seed: number;
  /** Examples of the epoch's order to skip (a resumed epoch); a multiple of batchSize. */
  from: number;
}

/** One epoch: the training rows of a fresh pass, shuffled through the buffer and encoded a batch at a time. */
async function* trainingBatches(table: StreamedTable, options: BatchOptions) {
  const buffer = new ShuffleBuffer<DatasetRow>(options.bufferRows, options.seed);
  let position = 0;
  let pending: DatasetRow[] = [];
  const take = (row: DatasetRow) => {
    // Skipped examples still go through the buffer, so the order after them is the same.
    if (position++ >= options.from) pending.push(row);
    if (pending.length < options.batchSize) return undefined;
    const batch = pending;
    pending = [];
    return batch;
  };
  const encoded = (rows: DatasetRow[]) => ({
    start: position - rows.length,
    batch: encodeDataset(options.preprocessing, rows),
  });
  for await (const chunk of table.pass()) {
    for (const row of chunk) {
      if (!options.isTraining(row)) continue;
      const out = buffer.push(row);
      const batch = out === undefined ? undefined : take(out);
      if (batch) yield encoded(batch);
    }
  }
  for (const row of buffer.drain()) {
    const batch = take(row);
    if (batch) yield encoded(batch);
  }
  if (pending.length > 0) yield encoded(pending);
}
