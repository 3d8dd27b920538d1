import { tf } from '../ml/backend.ts';
import { DenseStack } from '../training/loop/dense-stack.ts';
import { columnSlots } from '../explanations/column-slots.ts';
import type { EncodedSplit } from '../preprocessing/tabular-preprocessing.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { decodeRegression } from '../preprocessing/target-encoding.ts';
import { argmax } from './classification-metrics.ts';
import { predictEncoded, predictOutputs } from './evaluate-model.ts';
import { permutationImportance } from './permutation-importance.ts';
import {
  classificationEvaluation,
  emptyEvaluation,
  epochHistory,
  regressionEvaluation,
  type VersionEvaluation,
} from './plots.ts';

/** Shuffles per column in permutation importance: enough for a usable spread, cheap on a test split. */
export const IMPORTANCE_REPEATS = 5;

/**
 * The plottable evaluation of a tabular model on its test split, with permutation importance
 * in the dataset's columns: accuracy lost (classification) or RMSE gained (regression, on the
 * target's scale) when a column is shuffled.
 */
export function plottableEvaluation(
  model: tf.LayersModel,
  test: EncodedSplit,
  preprocessing: PreprocessingState,
  epochs: Parameters<typeof epochHistory>[0],
  seed: number,
): VersionEvaluation {
  const target = preprocessing.target;
  const history = epochHistory(epochs);
  const predict = (x: Float32Array) => predictEncoded(model, x, test.rows, test.width, target);
  const truth = Array.from(test.y);
  if (test.rows === 0) return { ...emptyEvaluation(target.task), history };
  const base =
    target.task === 'classification'
      ? classificationEvaluation(target.labels, truth, predict(test.x) as number[][], history)
      : regressionEvaluation(
          'regression',
          truth.map((value) => decodeRegression(target, value)),
          predict(test.x) as number[],
          history,
        );
  // The score runs once per column and shuffle: on raw outputs, by the dense stack's forward
  // pass where the model is one and tensors live in host memory (a fraction of TensorFlow.js's
  // per-call cost), and without building a row array per prediction.
  const dense = ['wasm', 'cpu'].includes(tf.getBackend()) ? DenseStack.predictor(model) : undefined;
  const outputs = (x: Float32Array) => (dense ? dense(x, test.rows) : predictOutputs(model, x, test.rows, test.width));
  const score =
    target.task === 'classification'
      ? (x: Float32Array) => {
          // argmax as over predictEncoded's rows (one sigmoid unit: [1 - p, p]).
          const output = outputs(x);
          const units = output.length / test.rows;
          let correct = 0;
          for (let row = 0; row < test.rows; row++) {
            const p = output[row]!;
            const label = units === 1 ? (p > 1 - p ? 1 : 0) : argmax(output.subarray(row * units, (row + 1) * units));
            if (label === truth[row]) correct++;
          }
          return correct / test.rows;
        }
      : (x: Float32Array) => {
          const predicted = outputs(x);
          const mse =
            truth.reduce(
              (sum, y, row) => sum + (decodeRegression(target, y) - decodeRegression(target, predicted[row]!)) ** 2,
              0,
            ) / test.rows;
          return -Math.sqrt(mse);
        };
  const importance = permutationImportance({
    x: test.x,
    rows: test.rows,
    width: test.width,
    columns: columnSlots(preprocessing),
    score,
    metric: target.task === 'classification' ? 'accuracy' : 'rmse',
    repeats: IMPORTANCE_REPEATS,
    seed,
  });
  return { ...base, importance };
}
