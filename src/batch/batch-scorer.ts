/**
 * Scoring a batch's rows with one model version, exactly as the online `:predict` does: the
 * same artifact, the same input adapter (validation and encoding), the same forward pass
 * (TensorFlow.js or the plain-JavaScript dense pass, whichever is faster here for a batch's
 * full passes: racedForwardPass) and the same decoding and finiteness
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

/** Runs of each pass at SCORE_ROWS not counted: TensorFlow.js's first runs at a size grow its memory. */
const RACE_WARM_UPS = 2;
/** Counted runs of each pass before the faster leads. */
const RACE_RUNS = 10;
/** A pass whose best run is this many times the other's loses the race at once. */
const RACE_LEAD = 3;
/** Once one leads, about one full pass in this many runs the other (fewer the slower it is). */
const RECHECK_EVERY = 64;

type Side = 'javascript' | 'tensorflow';

/**
 * The batch's forward pass: passes of fewer than SCORE_ROWS rows (a part's last rows, rows the
 * per-row path takes) run in plain JavaScript, as the serving pass runs small batches; full passes
 * go to whichever pass runs SCORE_ROWS rows faster on this machine, timed on the job's own passes
 * (real rows, so choosing costs only what the slower pass's few runs take longer; timing both
 * on inputs of its own before the job cost about 130 ms of a 1,000,000-row job's 4 s).
 *
 * The first full passes alternate between the two. Each pass's first runs do not count (they
 * pay what runs at a new size cost: TensorFlow.js growing its memory, V8 compiling the
 * JavaScript loops), and the best of the next RACE_RUNS of each picks the leader, or sooner one
 * pass's best at RACE_LEAD times the other's (a huge model whose JavaScript pass takes seconds).
 * A verdict can be wrong (TensorFlow.js keeps getting faster for hundreds of runs as V8
 * optimises its dispatch code; one run can be slowed by other work), so now and then the other
 * pass runs again and takes the lead if its best recent run beats the leader's. Those runs are
 * spaced by how much slower it was, so they cost the job about 1/RECHECK_EVERY of its passes'
 * time however slow it is. `now` is the clock (tests give one of their own).
 */
export function racedForwardPass(
  javascript: ForwardPass,
  tensorflow: ForwardPass,
  now: () => number = () => performance.now(),
): ForwardPass {
  const passes = { javascript, tensorflow };
  const runs = { javascript: 0, tensorflow: 0 };
  /** Each pass's latest counted times. */
  const recent: Record<Side, number[]> = { javascript: [], tensorflow: [] };
  const best = (side: Side) => Math.min(...recent[side]);
  const other = (side: Side): Side => (side === 'javascript' ? 'tensorflow' : 'javascript');
  let leader: Side | undefined;
  let fullPasses = 0;
  let recheckAt = Infinity;
  /** After the leader is picked or the other pass ran: when the other runs next. */
  const scheduleRecheck = () => {
    const slower = best(other(leader!)) / best(leader!);
    // 0 / 0 (a clock too coarse to see either) counts as level.
    recheckAt = fullPasses + Math.ceil(RECHECK_EVERY * (Number.isNaN(slower) ? 1 : Math.max(1, slower)));
  };
  const choose = (): Side => {
    if (leader === undefined) return fullPasses % 2 === 1 ? 'tensorflow' : 'javascript';
    return fullPasses >= recheckAt ? other(leader) : leader;
  };
  const judge = (ran: Side) => {
    if (recent.javascript.length === 0 || recent.tensorflow.length === 0) return;
    const faster: Side = best('tensorflow') < best('javascript') ? 'tensorflow' : 'javascript';
    if (leader === undefined) {
      const counted = Math.min(recent.javascript.length, recent.tensorflow.length);
      if (counted < RACE_RUNS && best(other(faster)) <= RACE_LEAD * best(faster)) return;
      leader = faster;
      scheduleRecheck();
    } else if (ran !== leader) {
      leader = faster;
      scheduleRecheck();
    }
  };
  return (x, rows) => {
    if (rows < SCORE_ROWS) return javascript(x, rows);
    fullPasses += 1;
    const side = choose();
    const started = now();
    const outputs = passes[side](x, rows);
    const ms = now() - started;
    if (++runs[side] > RACE_WARM_UPS) {
      recent[side].push(ms);
      if (recent[side].length > RACE_RUNS) recent[side].shift();
    }
    judge(side);
    return outputs;
  };
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
  const forward = javascript === undefined ? tensorflow : racedForwardPass(javascript, tensorflow);
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
