import { UnprocessableError } from '../errors.ts';
import { tf } from '../ml/backend.ts';
import { isDeepModelType } from './model-spec.ts';
import type { HiddenLayerSpec, ModelSpec, ModelType } from './model-spec.ts';
import type { Task } from './task.ts';

/** A concrete architecture: what `auto` turns into. */
export type ResolvedModelType = Exclude<ModelType, 'auto'>;

/**
 * Resolves `auto` by task: logistic regression for classification, linear regression for
 * regression. On the small tabular datasets this service targets, these convex models are
 * strong baselines that train fast, reproduce exactly and need no architecture guess; an MLP
 * is an explicit choice. An explicit type must suit the task.
 */
export function resolveModelType(type: ModelSpec['type'], task: Task): ResolvedModelType {
  if (isDeepModelType(type)) {
    // Deep families train on image, text or sequence inputs (training/pipelines/deep.ts), never on this path.
    throw new UnprocessableError(
      'architecture_incompatible',
      `A ${type} model reads images, text or sequences; this dataset is trained as a table.`,
      [{ path: 'model.type', message: `${type} needs image, text or sequence data` }],
    );
  }
  if (type === 'seasonalNaive') {
    throw new UnprocessableError(
      'architecture_incompatible',
      'A seasonalNaive model forecasts a series; this dataset is trained as a table.',
      [{ path: 'model.type', message: 'seasonalNaive needs a series' }],
    );
  }
  if (type === 'auto') return task === 'classification' ? 'logistic' : 'linear';
  if (type === 'linear' && task === 'classification') {
    throw new UnprocessableError(
      'model_task_mismatch',
      'A linear model does regression; use logistic (or mlp) for classification.',
      [{ path: 'model.type', message: 'linear cannot classify' }],
    );
  }
  if (type === 'logistic' && task === 'regression') {
    throw new UnprocessableError(
      'model_task_mismatch',
      'A logistic model does classification; use linear (or mlp) for regression.',
      [{ path: 'model.type', message: 'logistic cannot do regression' }],
    );
  }
  return type;
}

export interface ModelShape {
  task: Task;
  inputWidth: number;
  /** Number of classes (classification); ignored for regression. */
  classes: number;
}

/** Output units of the last layer: binary classification uses one sigmoid unit. */
export function outputUnits(shape: ModelShape): number {
  return shape.task === 'regression' || shape.classes === 2 ? 1 : shape.classes;
}

/**
 * Builds the tf.LayersModel: linear regression is one dense unit; logistic regression one
 * sigmoid unit (binary) or a softmax layer (multinomial); an MLP stacks the hidden layers
 * (each optionally followed by dropout) under the same output layer. Kernels are
 * Glorot-initialised from `seed` so a run is reproducible. Models are plain sequential
 * stacks, which the training loop relies on to apply seeded dropout itself.
 */
export function buildModel(
  type: ResolvedModelType,
  shape: ModelShape,
  seed: number,
  hiddenLayers: HiddenLayerSpec[] = [],
): tf.Sequential {
  const model = tf.sequential({ name: `${type}_${shape.task}` });
  let layerSeed = seed;
  const initializer = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  if (type === 'mlp') {
    hiddenLayers.forEach((layer, index) => {
      model.add(
        tf.layers.dense({
          name: `hidden_${index + 1}`,
          units: layer.units,
          activation: layer.activation,
          kernelInitializer: initializer(),
          ...(index === 0 ? { inputShape: [shape.inputWidth] } : {}),
        }),
      );
      if (layer.dropout > 0) model.add(tf.layers.dropout({ name: `dropout_${index + 1}`, rate: layer.dropout }));
    });
  }
  const activation = shape.task === 'regression' ? 'linear' : outputUnits(shape) === 1 ? 'sigmoid' : 'softmax';
  model.add(
    tf.layers.dense({
      name: 'output',
      units: outputUnits(shape),
      activation,
      kernelInitializer: initializer(),
      ...(model.layers.length === 0 ? { inputShape: [shape.inputWidth] } : {}),
    }),
  );
  return model;
}
