import { ValidationError } from '../errors.ts';
import type { tf } from '../ml/backend.ts';
import type { InputSchema, Label, OutputSchema, PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { adapterFor, tensorflowPass } from './input-adapters.ts';

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
 * Wraps a model and its fitted preprocessing for use in-process, through the same input
 * adapter the prediction service uses: instances go through the encoder used in training;
 * classification answers labels in their original type, keyed by their string form in
 * `probabilities`; regression answers values on the target's original scale. Every tensor
 * is created and disposed inside tf.tidy.
 */
export function createPredictor(parts: PredictorParts): Predictor {
  const { model } = parts;
  const adapter = adapterFor(parts.preprocessing);
  const forward = tensorflowPass(model, adapter.inputShape);
  return {
    inputSchema: parts.inputSchema,
    outputSchema: parts.outputSchema,
    predict(instances: unknown[]): Prediction[] {
      if (!Array.isArray(instances) || instances.length === 0) {
        throw new ValidationError('`instances` must be a non-empty array.', [{ path: 'instances', message: 'expected a non-empty array' }]);
      }
      return adapter.decode(forward(adapter.encode(instances), instances.length), instances.length);
    },
    dispose() {
      model.dispose();
    },
  };
}
