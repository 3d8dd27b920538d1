import { UnprocessableError } from '../../errors.ts';
import type { tf } from '../../ml/backend.ts';

/** The job's failure when training produced a non-finite loss or weights: retrying the same seed cannot help. */
export function trainingDiverged(where: string): UnprocessableError {
  return new UnprocessableError(
    'training_diverged',
    `Training diverged ${where}; lower the learning rate, or rescale the features with the largest values.`,
  );
}

/**
 * Refuses a trained model holding a NaN or infinite weight: registered, it would answer every
 * prediction with NaN. The per-epoch loss check misses what only the last steps broke.
 */
export function requireFiniteWeights(model: tf.LayersModel): void {
  for (const weight of model.weights) {
    const values = weight.read().dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw trainingDiverged(`(weight '${weight.name}' is ${values[i]})`);
    }
  }
}
