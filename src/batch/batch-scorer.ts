/**
 * Scoring a batch's rows with one model version, exactly as the online `:predict` does: the
 * same artifact, the same input adapter (validation and encoding), the same forward pass
 * (TensorFlow.js or the plain-JavaScript dense pass, chosen by batch size as the prediction
 * service chooses, src/serving/prediction-service.ts) and the same decoding and finiteness
 * check. What differs is the input: table cells are text, so each one is typed by the
 * version's input schema first, as training typed the dataset's cells.
 */
import { DomainError } from '../errors.ts';
import type { tf } from '../ml/backend.ts';
import { preprocessingKind } from '../preprocessing/deep-state.ts';
import type { InputSchema, OutputSchema, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { loadModelArtifact } from '../registry/artifact-io.ts';
import { adapterFor } from '../serving/adapter-choice.ts';
import { denseForward } from '../serving/dense-forward.ts';
import { assertFinitePredictions } from '../serving/finite-predictions.ts';
import { chooseForwardPass, timeForwardPasses } from '../serving/forward-choice.ts';
import { tensorflowPass, type ForwardPass } from '../serving/forward-pass.ts';
import type { InputAdapter, Prediction } from '../serving/input-adapter.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { keyedByUser } from '../user-keys.ts';
import type { InputRow } from './batch-input.ts';
import { NON_FINITE_OUTPUT } from './batch-output.ts';
import { cellTyper } from './cell-types.ts';

/** Model kinds whose rows are scored one by one from table cells (series windows and images are not). */
export const BATCH_KINDS = new Set(['tabular', 'text']);

export function batchKindOf(preprocessing: unknown): string {
  return preprocessingKind(preprocessing);
}

export interface ScoredRow {
  row: InputRow;
  prediction?: Prediction;
  error?: string;
}

/** Rows per forward pass: large enough for throughput, small enough to bound a pass's memory. */
export const SCORE_ROWS = 1024;

/**
 * From how many rows a batch's passes run on TensorFlow.js: SCORE_ROWS when it ran the batch's
 * size faster than the plain-JavaScript pass, else never. Both are timed only at that size (the
 * sizes a request runs at are not: a batch runs smaller passes only for a part's last rows and
 * for rows the per-row path takes), in four rounds of forward-choice.ts's timing; the first
 * round takes what a pass's first runs at a new size cost (TensorFlow.js growing its memory),
 * and the best time of each pass over the other three decides. One round alone was swayed by a
 * loaded machine: a 1,000,000-row job would then run on the pass three times slower.
 */
function batchTensorflowFrom(javascript: ForwardPass, tensorflow: ForwardPass, width: number): number {
  const rounds = timeForwardPasses(javascript, tensorflow, width, [SCORE_ROWS, SCORE_ROWS, SCORE_ROWS, SCORE_ROWS]);
  // One round only when a JavaScript run took longer than the timing allows: that round decides.
  const timed = rounds.length > 1 ? rounds.slice(1) : rounds;
  const best = (pass: 'javascriptMs' | 'tensorflowMs') => Math.min(...timed.map((timing) => timing[pass]));
  return best('tensorflowMs') < best('javascriptMs') ? SCORE_ROWS : Infinity;
}

export interface BatchScorer {
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  /** Scores rows (read errors stay errors); every row comes back once, in order. */
  score(rows: InputRow[]): ScoredRow[];
  /** A tabular version's fitted preprocessing (undefined for other kinds): table-parts.ts encodes with it. */
  tabular?: PreprocessingState;
  /**
   * The forward pass over `rows` encoded rows (row-major, SCORE_ROWS at a time): the model's
   * outputs, `units` per row.
   */
  forward(matrix: Float32Array, rows: number): { outputs: Float32Array; units: number };
  dispose(): void;
}

export async function loadBatchScorer(
  store: ArtifactStore,
  version: { artifactKey: string; artifactSha256: string; preprocessing: unknown },
  limits: { maxPixelsPerImage: number; maxPixelsPerRequest: number },
): Promise<BatchScorer> {
  const model: tf.LayersModel = await loadModelArtifact(store, version.artifactKey, version.artifactSha256);
  const adapter: InputAdapter = adapterFor(version.preprocessing, { imageLimits: limits });
  const tensorflow = tensorflowPass(model, adapter.inputShape);
  const javascript = adapter.inputShape.length === 1 ? denseForward(model, adapter.rowSize) : undefined;
  const forward =
    javascript === undefined
      ? tensorflow
      : chooseForwardPass(javascript, tensorflow, batchTensorflowFrom(javascript, tensorflow, adapter.rowSize));
  const features = adapter.inputSchema.features.map((feature) => ({
    name: feature.name,
    type: cellTyper(feature.type),
  }));
  /** The row's cells the model reads, typed; other columns (ids, the target) are left out. */
  const instanceOf = (values: Record<string, unknown>) => {
    const instance = keyedByUser<unknown>();
    for (const feature of features)
      if (Object.hasOwn(values, feature.name)) instance[feature.name] = feature.type(values[feature.name]);
    return instance;
  };
  const predict = (encoded: Float32Array, rows: number): Prediction[] => adapter.decode(forward(encoded, rows), rows);

  const score = (rows: InputRow[]): ScoredRow[] => {
    const scored: ScoredRow[] = rows.map((row) => (row.error !== undefined ? { row, error: row.error } : { row }));
    const open = scored.filter((entry) => entry.error === undefined);
    if (open.length === 0) return scored;
    const instances = open.map((entry) => instanceOf(entry.row.values!));
    let encoded: Float32Array | undefined;
    try {
      encoded = encodeSync(adapter, instances);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    if (encoded === undefined) {
      // Some row is invalid: each is encoded alone, to tell which and why.
      const width = adapter.rowSize;
      const good: { entry: ScoredRow; encoded: Float32Array }[] = [];
      for (let i = 0; i < open.length; i++) {
        try {
          good.push({ entry: open[i]!, encoded: encodeSync(adapter, [instances[i]]) });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          open[i]!.error = reasonOf(error);
        }
      }
      if (good.length === 0) return scored;
      const matrix = new Float32Array(good.length * width);
      good.forEach(({ encoded: row }, i) => matrix.set(row, i * width));
      assign(
        good.map(({ entry }) => entry),
        predict(matrix, good.length),
      );
      return scored;
    }
    assign(open, predict(encoded, open.length));
    return scored;
  };
  const width = adapter.rowSize;
  const forwardMatrix = (matrix: Float32Array, rows: number) => {
    let outputs = new Float32Array(0);
    let units = 1;
    for (let start = 0; start < rows; start += SCORE_ROWS) {
      const count = Math.min(SCORE_ROWS, rows - start);
      const out = forward(matrix.subarray(start * width, (start + count) * width), count);
      if (start === 0) {
        units = out.length / count;
        outputs = new Float32Array(rows * units);
      }
      outputs.set(out, start * units);
    }
    return { outputs, units };
  };
  return {
    inputSchema: adapter.inputSchema,
    outputSchema: adapter.outputSchema,
    score,
    ...(preprocessingKind(version.preprocessing) === 'tabular' && {
      tabular: version.preprocessing as PreprocessingState,
    }),
    forward: forwardMatrix,
    dispose: () => model.dispose(),
  };
}

/** Tabular and text adapters encode synchronously. */
function encodeSync(adapter: InputAdapter, instances: unknown[]): Float32Array {
  const encoded = adapter.encode(instances);
  if (encoded instanceof Promise) throw new Error('batch predictions need a synchronous input adapter');
  return encoded;
}

export { NON_FINITE_OUTPUT } from './batch-output.ts';

/** Predictions to their rows; one that is not finite is that row's error, as :predict would refuse it. */
function assign(entries: ScoredRow[], predictions: Prediction[]): void {
  try {
    assertFinitePredictions(predictions);
    for (let i = 0; i < entries.length; i++) entries[i]!.prediction = predictions[i];
  } catch {
    for (let i = 0; i < entries.length; i++) {
      try {
        assertFinitePredictions([predictions[i]!]);
        entries[i]!.prediction = predictions[i];
      } catch {
        entries[i]!.error = NON_FINITE_OUTPUT;
      }
    }
  }
}

/** A validation error's issues, without the `instances.0.` prefix a single-row encoding gives them. */
function reasonOf(error: DomainError): string {
  const issues = error.issues;
  if (!issues?.length) return error.message;
  return issues
    .map((issue) => {
      const field = issue.path.replace(/^instances\.0\.?/, '');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
