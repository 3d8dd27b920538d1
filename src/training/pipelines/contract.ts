/**
 * The contract between deep training (deep.ts) and the preparation of each kind of data
 * (images.ts, text.ts, sequences.ts): what a preparation receives and what it hands back.
 */
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import type { tf } from '../../ml/backend.ts';
import type { Task } from '../../models/task.ts';
import type { DeepPreprocessing } from '../../preprocessing/deep-state.ts';
import type { ExcludedColumn } from '../../preprocessing/feature-selection.ts';
import type { InputSchema, OutputSchema } from '../../preprocessing/preprocessing-state.ts';
import type { DeepExamples } from '../loop/deep-loop.ts';
import type { TrainingPlan } from './plan.ts';
import type { SeededSpec, TrainingData } from './request.ts';

/** The validated request with its plan and its data: what every preparation receives. */
export type DeepRequest = SeededSpec & TrainingData & { plan: TrainingPlan };

/** What a preparation hands back: examples, preprocessing, and how to build the model. */
export interface PreparedDeep {
  task: Task;
  /** The concrete family trained (auto resolved; mlp for flattened images). */
  modelType: string;
  input: DeepInput;
  deepTask: DeepTask;
  build(seed: number): tf.LayersModel;
  preprocessing: DeepPreprocessing;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
  train: DeepExamples;
  validation: DeepExamples;
  test: DeepExamples;
  excludedColumns: ExcludedColumn[];
  /** Examples before splitting, and the rows dropped for a missing target or value. */
  total: number;
  dropped: number;
  /** Scaled model outputs back to the target's units (regression only). */
  unscale?(values: Float32Array): number[];
  /** True when `build` returns the model already fitted (least squares, a fixed baseline): no training loop. */
  closedForm?: boolean;
  /** `auto` on a series: the forecasters to compare on the validation part; the best is kept. */
  candidates?: ForecastCandidate[];
  /** Forecasts: the baselines at the test cut-offs (origin-major, like the test targets), for forecastMetrics. */
  forecast?: {
    naive: number[];
    seasonalNaive: number[];
    scale: number;
    season: number;
    intervalLevel: number;
  };
}

/** One family `auto` tries on a series. */
export type ForecastCandidate = Pick<PreparedDeep, 'modelType' | 'build' | 'closedForm'>;
