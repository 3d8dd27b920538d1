/**
 * Training of deep models (images, text, numeric sequences): each kind prepares its
 * examples and preprocessing (images.ts, text.ts, sequences.ts, by contract.ts); this file
 * builds the model, trains it with the deep loop and evaluates it on the held-out test split
 * with the same metrics as tabular models, returning the shape trainTabular returns.
 */
import { classificationMetrics } from '../../evaluation/classification-metrics.ts';
import type { EvaluationMetrics } from '../../evaluation/evaluate-model.ts';
import { regressionMetrics } from '../../evaluation/regression-metrics.ts';
import { forecastMetrics, residualIntervals } from '../../evaluation/forecast-metrics.ts';
import type { ForecastMetrics } from '../../evaluation/forecast-metrics.ts';
import type { ForecastIntervals } from '../../preprocessing/deep-state.ts';
import { ensureBackend } from '../../ml/backend.ts';
import type { tf } from '../../ml/backend.ts';
import type { DeepPreprocessing } from '../../preprocessing/deep-state.ts';
import { fitDeepModel, predictExamples } from '../loop/deep-loop.ts';
import type { TrainingHooks } from '../loop/epoch-loop.ts';
import type { DeepRequest, PreparedDeep } from './contract.ts';
import { prepareImages } from './images.ts';
import { planTraining } from './plan.ts';
import { loopOptions, resolvedHyperparameters, seededSpec } from './request.ts';
import type { TrainingData, TrainingOutcome, UnvalidatedSpec } from './request.ts';
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
  const model = prepared.build(spec.seed);
  try {
    // A model fitted in closed form (least squares, a fixed baseline) has no epochs to run.
    const fit = prepared.closedForm
      ? { history: [], bestEpoch: 0, stoppedEarly: false }
      : await fitDeepModel(
          model,
          prepared.train,
          prepared.validation.count > 0 ? prepared.validation : undefined,
          {
            ...loopOptions(spec),
            loss: prepared.deepTask.kind === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError',
          },
          hooks,
        );
    const { metrics, intervals } = evaluateDeepForecast(model, prepared);
    return {
      model,
      preprocessing:
        intervals && prepared.preprocessing.kind === 'sequence'
          ? { ...prepared.preprocessing, intervals }
          : prepared.preprocessing,
      inputSchema: prepared.inputSchema,
      outputSchema: prepared.outputSchema,
      metrics,
      history: fit.history,
      bestEpoch: fit.bestEpoch,
      stoppedEarly: fit.stoppedEarly,
      hyperparameters: resolvedHyperparameters(spec),
      modelType: prepared.modelType,
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
