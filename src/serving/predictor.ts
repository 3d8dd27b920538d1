import { ValidationError } from '../errors.ts';
import { predictEncoded } from '../evaluation/evaluate-model.ts';
import type { tf } from '../ml/backend.ts';
import { encodeInstances } from '../preprocessing/instance-encoding.ts';
import type { InputSchema, Label, OutputSchema, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { argmax } from '../evaluation/classification-metrics.ts';

/** One prediction: the most probable label with every class's probability, or a value. */
export type Prediction = { label: Label; probabilities: Record<string, number> } | { value: number };

/** A loaded model version ready to answer prediction requests. */
export interface Predictor {
  readonly inputSchema: InputSchema;
  readonly outputSchema: OutputSchema;
  /** Validates and predicts every instance in one batched model call. */
  predict(instances: unknown[]): Prediction[];
  /** Frees the model's weights (e.g. when evicted from a cache). */
  dispose(): void;
}

export interface PredictorParts {
  model: tf.LayersModel;
  preprocessing: PreprocessingState;
  inputSchema: InputSchema;
  outputSchema: OutputSchema;
}

/**
 * Wraps a model and its fitted preprocessing. Instances go through the very encoder used in
 * training; classification answers labels in their original type, keyed by their string form
 * in `probabilities`; regression answers values on the target's original scale. Every tensor
 * is created and disposed inside tf.tidy.
 */
export function createPredictor(parts: PredictorParts): Predictor {
  const { model, preprocessing } = parts;
  return {
    inputSchema: parts.inputSchema,
    outputSchema: parts.outputSchema,
    predict(instances: unknown[]): Prediction[] {
      if (!Array.isArray(instances) || instances.length === 0) {
        throw new ValidationError('`instances` must be a non-empty array.', [{ path: 'instances', message: 'expected a non-empty array' }]);
      }
      const x = encodeInstances(preprocessing, instances);
      const outputs = predictEncoded(model, x, instances.length, preprocessing.width, preprocessing.target);
      const target = preprocessing.target;
      if (target.task === 'regression') return (outputs as number[]).map((value) => ({ value }));
      return (outputs as number[][]).map((probabilities) => ({
        label: target.labels[argmax(probabilities)] as Label,
        probabilities: Object.fromEntries(target.labels.map((label, index) => [String(label), probabilities[index] ?? 0])),
      }));
    },
    dispose() {
      model.dispose();
    },
  };
}
