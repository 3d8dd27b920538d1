/**
 * One entry point over the deep model families, for the training pipeline: parse the
 * hyperparameters with `deepModelSchema`, then build.
 */
import type * as tf from '../../ml/tfjs.ts';
import type { BuildOptions, DeepInput, DeepModelHyperparameters, DeepTask } from './schemas.ts';
import { buildCnn } from './cnn.ts';
import { buildRecurrent } from './recurrent.ts';
import { buildTransformer } from './transformer.ts';

export { lossFor } from './model-head.ts';

/**
 * Builds the (uncompiled) model for parsed hyperparameters. Compile it with `lossFor(task)`
 * and the optimiser of the training request. Throws `UnprocessableError`
 * (`architecture_incompatible`) when the family cannot read `input`.
 */
export function buildDeepModel(
  params: DeepModelHyperparameters,
  input: DeepInput,
  task: DeepTask,
  options: BuildOptions = {},
): tf.LayersModel {
  switch (params.type) {
    case 'cnn':
      return buildCnn(params, input, task, options);
    case 'rnn':
    case 'lstm':
    case 'gru':
      return buildRecurrent(params, input, task, options);
    case 'transformer':
      return buildTransformer(params, input, task, options);
  }
}
