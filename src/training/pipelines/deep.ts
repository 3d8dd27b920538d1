/**
 * Training of deep models (images, text, numeric sequences): each kind prepares its
 * examples and preprocessing (images.ts, text.ts, sequences.ts, by contract.ts); this file
 * builds the model, trains it with the deep loop and evaluates it on the held-out test split
 * with the same metrics as tabular models, returning the shape trainTabular returns.
 */
import { classificationMetrics } from '../../evaluation/classification-metrics.ts';
import type { EvaluationMetrics } from '../../evaluation/evaluate-model.ts';
import { regressionMetrics } from '../../evaluation/regression-metrics.ts';
import {
  classificationEvaluation,
  emptyEvaluation,
  epochHistory,
  regressionEvaluation,
  type VersionEvaluation,
} from '../../evaluation/plots.ts';
import type { EpochReport } from '../loop/epoch-loop.ts';
import { deepPermutationImportance } from '../../evaluation/deep-importance.ts';
import { forecastMetrics, residualIntervals } from '../../evaluation/forecast-metrics.ts';
import type { ForecastMetrics } from '../../evaluation/forecast-metrics.ts';
import type { ForecastIntervals } from '../../preprocessing/deep-state.ts';
import { ensureBackend } from '../../ml/backend.ts';
import type { tf } from '../../ml/backend.ts';
import type { DeepPreprocessing } from '../../preprocessing/deep-state.ts';
import { fitDeepModel, predictExamples } from '../loop/deep-loop.ts';
import type { DeepFitOptions } from '../loop/deep-loop.ts';
import type { FitResult, TrainingHooks } from '../loop/epoch-loop.ts';
import type { DeepRequest, ForecastCandidate, PreparedDeep } from './contract.ts';
import { prepareImages } from './images.ts';
import { planTraining } from './plan.ts';
import { loopOptions, resolvedHyperparameters, seededSpec } from './request.ts';
import type { SeededSpec, TrainingData, TrainingOutcome, UnvalidatedSpec } from './request.ts';
import { prepareSequences } from './sequences.ts';
import { prepareText } from './text.ts';

const preparations = { image: prepareImages, text: prepareText, sequence: prepareSequences };

/** A trained deep model: the fields of TrainTabularResult, with deep model types and preprocessing. */
export type TrainDeepResult = TrainingOutcome<DeepPreprocessing>;

/** Validates and plans the request, prepares the data of its kind, trains and evaluates. */
export async function trainDeep(
  input: UnvalidatedSpec & TrainingData,
  hooks: TrainingHooks = {},
): Promise<TrainDeepResult> {
  const started = Date.now();
  const spec = seededSpec(input);
  const { columns, rows, images } = input;
  const plan = planTraining(spec, columns, images?.length ?? rows?.length ?? 0);
  if (plan.kind === 'tabular')
    throw new Error('A tabular request reached deep training; trainOnDataset sends it to trainTabular.');
  const request: DeepRequest = { ...spec, columns, rows, images, plan };
  const backend = await ensureBackend();
  const prepared = preparations[plan.kind](request);
  const { model, fit, modelType, candidates } = await fitPrepared(prepared, spec, hooks);
  try {
    const { metrics: heldOut, intervals } = evaluateDeepForecast(model, prepared);
    const metrics = candidates ? { ...heldOut, candidates } : heldOut;
    const evaluation = deepEvaluation(model, prepared, fit.history, spec.seed);
    return {
      model,
      preprocessing:
        intervals && prepared.preprocessing.kind === 'sequence'
          ? { ...prepared.preprocessing, intervals }
          : prepared.preprocessing,
      inputSchema: prepared.inputSchema,
      outputSchema: prepared.outputSchema,
      metrics,
      evaluation,
      // Forecasts rank by validation loss (their metrics need the baselines at each cut-off).
      validationMetrics:
        prepared.validation.count > 0 && !prepared.forecast
          ? evaluateDeep(model, { ...prepared, test: prepared.validation })
          : undefined,
      history: fit.history,
      bestEpoch: fit.bestEpoch,
      stoppedEarly: fit.stoppedEarly,
      hyperparameters: resolvedHyperparameters(spec),
      modelType,
      task: prepared.task,
      backend,
      durationMs: Date.now() - started,
      excludedColumns: prepared.excludedColumns,
      rowCounts: {
        total: prepared.total,
        droppedMissingTarget: prepared.dropped,
        train: prepared.train.count,
        validation: prepared.validation.count,
        test: prepared.test.count,
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** How a candidate of `auto` fared on the validation part. */
interface CandidateScore {
  modelType: string;
  validationMae: number;
}

/**
 * The fitted model: the prepared one, or for `auto` on a series (with a validation part) the
 * candidate with the lowest validation MAE, the others disposed. Candidates each run from the
 * first epoch: progress and cancellation reach their loops, checkpoints (of one model) do not.
 */
async function fitPrepared(
  prepared: PreparedDeep,
  spec: SeededSpec,
  hooks: TrainingHooks,
): Promise<{ model: tf.LayersModel; fit: FitResult; modelType: string; candidates?: CandidateScore[] }> {
  const options: DeepFitOptions = {
    ...loopOptions(spec),
    loss: prepared.deepTask.kind === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError',
    toTargetUnits: prepared.unscale,
  };
  const validation = prepared.validation.count > 0 ? prepared.validation : undefined;
  const fitOne = async (candidate: ForecastCandidate, candidateHooks: TrainingHooks) => {
    const model = candidate.build(spec.seed);
    try {
      // A model fitted in closed form (least squares, a fixed baseline) has no epochs to run.
      const fit: FitResult = candidate.closedForm
        ? { history: [], bestEpoch: 0, stoppedEarly: false }
        : await fitDeepModel(model, prepared.train, validation, options, candidateHooks);
      return { model, fit, modelType: candidate.modelType };
    } catch (error) {
      model.dispose();
      throw error;
    }
  };
  if (!prepared.candidates || !validation || !prepared.unscale) return fitOne(prepared, hooks);
  const unscale = prepared.unscale;
  const scores: CandidateScore[] = [];
  let best: (Awaited<ReturnType<typeof fitOne>> & { mae: number }) | undefined;
  try {
    for (const candidate of prepared.candidates) {
      const fitted = await fitOne(candidate, { onEpoch: hooks.onEpoch, shouldStop: hooks.shouldStop });
      const truth = unscale(validation.y);
      const predicted = unscale(predictExamples(fitted.model, validation.x, validation.count, validation.shape));
      const mae = truth.reduce((sum, y, i) => sum + Math.abs(y - predicted[i]!), 0) / Math.max(1, truth.length);
      scores.push({ modelType: candidate.modelType, validationMae: mae });
      if (best === undefined || mae < best.mae) {
        best?.model.dispose();
        best = { ...fitted, mae };
      } else fitted.model.dispose();
    }
  } catch (error) {
    best?.model.dispose();
    throw error;
  }
  return { model: best!.model, fit: best!.fit, modelType: best!.modelType, candidates: scores };
}

/**
 * Held-out metrics, and for forecasts the per-step errors against the naive baselines and the
 * prediction intervals from the test errors.
 */
function evaluateDeepForecast(
  model: tf.LayersModel,
  prepared: PreparedDeep,
): { metrics: EvaluationMetrics | ForecastMetrics; intervals?: ForecastIntervals } {
  const { test, forecast } = prepared;
  if (!forecast || !prepared.unscale) return { metrics: evaluateDeep(model, prepared) };
  const truth = prepared.unscale(test.y);
  const predicted = prepared.unscale(predictExamples(model, test.x, test.count, test.shape));
  const horizon = test.yWidth;
  return {
    metrics: forecastMetrics({ truth, predicted, horizon, ...forecast }),
    intervals: residualIntervals(truth, predicted, horizon, forecast.intervalLevel),
  };
}

/** Curves and residuals on the test split (evaluation/plots.ts), and permutation importance (deep-importance.ts). */
function deepEvaluation(
  model: tf.LayersModel,
  prepared: PreparedDeep,
  epochs: EpochReport[],
  seed: number,
): VersionEvaluation {
  const { test } = prepared;
  const importance = deepPermutationImportance({
    preprocessing: prepared.preprocessing,
    ...test,
    predict: (x, count) => predictExamples(model, x, count, test.shape),
    unscale: prepared.unscale,
    seed,
  });
  return { ...curves(model, prepared, epochs), importance };
}

function curves(model: tf.LayersModel, prepared: PreparedDeep, epochs: EpochReport[]): VersionEvaluation {
  const { test } = prepared;
  const history = epochHistory(epochs);
  const target = prepared.preprocessing.target;
  if (test.count === 0) return { ...emptyEvaluation(prepared.forecast ? 'forecast' : target.task), history };
  const outputs = predictExamples(model, test.x, test.count, test.shape);
  if (target.task === 'classification') {
    const width = test.yWidth;
    const truth = Array.from({ length: test.count }, (_, i) => test.y.subarray(i * width, (i + 1) * width).indexOf(1));
    const probabilities = Array.from({ length: test.count }, (_, i) =>
      Array.from(outputs.subarray(i * width, (i + 1) * width)),
    );
    return classificationEvaluation(target.labels, truth, probabilities, history);
  }
  const unscale = prepared.unscale ?? ((values: Float32Array) => Array.from(values));
  return regressionEvaluation(
    prepared.forecast ? 'forecast' : 'regression',
    unscale(test.y),
    unscale(outputs),
    history,
  );
}

/** Held-out metrics: classification on one-hot targets, regression on every forecast value in the target's units. */
export function evaluateDeep(model: tf.LayersModel, prepared: PreparedDeep): EvaluationMetrics {
  const { test } = prepared;
  const outputs = predictExamples(model, test.x, test.count, test.shape);
  const target = prepared.preprocessing.target;
  if (target.task === 'classification') {
    const width = test.yWidth;
    const truth = Array.from({ length: test.count }, (_, i) => test.y.subarray(i * width, (i + 1) * width).indexOf(1));
    const probabilities = Array.from({ length: test.count }, (_, i) =>
      Array.from(outputs.subarray(i * width, (i + 1) * width)),
    );
    return classificationMetrics(target.labels, truth, probabilities);
  }
  const unscale = prepared.unscale ?? ((values: Float32Array) => Array.from(values));
  return regressionMetrics(unscale(test.y), unscale(outputs));
}
