/**
 * Pieces every deep architecture shares: seeded initialisers, the dense head for the task,
 * the loss that goes with it, and the error for an input a family cannot read.
 */
import * as tf from '../../ml/tfjs.ts';
import { UnprocessableError } from '../../errors.ts';
import type { BuildOptions, DeepInput, DeepTask } from './schemas.ts';

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Hands out distinct seeds per layer (so two layers never share initial weights) while a
 * whole build stays reproducible from one seed. Without a seed, layers use tfjs defaults.
 */
export class LayerSeeds {
  private next: number;
  constructor(private readonly options: BuildOptions) {
    this.next = options.seed ?? 0;
  }

  private take(): number | undefined {
    return this.options.seed === undefined ? undefined : this.next++;
  }

  glorot(): Initializer | undefined {
    const seed = this.take();
    return seed === undefined ? undefined : tf.initializers.glorotUniform({ seed });
  }

  orthogonal(): Initializer | undefined {
    const seed = this.take();
    return seed === undefined ? undefined : tf.initializers.orthogonal({ seed });
  }

  /** Small uniform values, as Keras initialises embeddings. */
  uniform(): Initializer | undefined {
    const seed = this.take();
    return seed === undefined ? undefined : tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
  }

  /** A plain seed (dropout layers, custom layers). */
  seed(): number | undefined {
    return this.take();
  }
}

/** Optional dense layers, then the task's output layer (softmax classes or linear values). */
export function denseHead(
  x: tf.SymbolicTensor,
  units: number[],
  dropout: number,
  task: DeepTask,
  seeds: LayerSeeds,
): tf.SymbolicTensor {
  let h = x;
  for (const n of units) {
    h = tf.layers
      .dense({ units: n, activation: 'relu', kernelInitializer: seeds.glorot() })
      .apply(h) as tf.SymbolicTensor;
    if (dropout > 0) h = tf.layers.dropout({ rate: dropout, seed: seeds.seed() }).apply(h) as tf.SymbolicTensor;
  }
  if (task.kind === 'classification') {
    if (!Number.isInteger(task.numClasses) || task.numClasses < 2) {
      throw new UnprocessableError(
        'too_few_classes',
        `Classification needs at least 2 classes, got ${task.numClasses}.`,
      );
    }
    return tf.layers
      .dense({ units: task.numClasses, activation: 'softmax', kernelInitializer: seeds.glorot(), name: 'head' })
      .apply(h) as tf.SymbolicTensor;
  }
  if (!Number.isInteger(task.outputs) || task.outputs < 1)
    throw new UnprocessableError('invalid_outputs', `Regression needs at least 1 output, got ${task.outputs}.`);
  return tf.layers
    .dense({ units: task.outputs, activation: 'linear', kernelInitializer: seeds.glorot(), name: 'head' })
    .apply(h) as tf.SymbolicTensor;
}

/** The loss matching {@link denseHead}: labels one-hot for classification. */
export function lossFor(task: DeepTask): 'categoricalCrossentropy' | 'meanSquaredError' {
  return task.kind === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError';
}

/** The tensor shape of one example of `input` (what `tf.input` takes). */
export function exampleShape(input: DeepInput): number[] {
  switch (input.kind) {
    case 'image':
      return [input.height, input.width, input.channels];
    case 'tokens':
      return [input.maxLength];
    case 'sequence':
      return [input.timesteps, input.features];
  }
}

/**
 * The model's input and, for tokens, the embedding that turns ids into vectors: how every family
 * reading raw `DeepInput` begins. Recurrent families pass `maskZero` so their cells skip the
 * padding (id 0) instead of reading it as input.
 */
export function embeddedInput(
  input: DeepInput,
  embeddingDim: number,
  seeds: LayerSeeds,
  maskZero = false,
): { inputs: tf.SymbolicTensor; x: tf.SymbolicTensor } {
  const inputs = tf.input({ shape: exampleShape(input) });
  if (input.kind !== 'tokens') return { inputs, x: inputs };
  const x = tf.layers
    .embedding({
      inputDim: input.vocabSize,
      outputDim: embeddingDim,
      inputLength: input.maxLength,
      maskZero,
      embeddingsInitializer: seeds.uniform(),
    })
    .apply(inputs) as tf.SymbolicTensor;
  return { inputs, x };
}

/** Thrown when a family cannot read an input kind, or the input is too small for it. */
export function incompatible(detail: string): UnprocessableError {
  return new UnprocessableError('architecture_incompatible', detail, [{ path: 'model', message: detail }]);
}

/** Checks sizes before tfjs does, so a bad request gets a 422 rather than a tfjs stack trace. */
export function assertInputSizes(input: DeepInput): void {
  const sizes = Object.entries(input).filter(([key]) => key !== 'kind');
  for (const [key, value] of sizes) {
    if (!Number.isInteger(value) || (value as number) < 1)
      throw incompatible(`Input ${key} must be a positive integer, got ${String(value)}.`);
  }
  if (input.kind === 'image' && input.channels !== 1 && input.channels !== 3)
    throw incompatible(`Images have 1 or 3 channels, got ${input.channels}.`);
  if (input.kind === 'tokens' && input.vocabSize < 2)
    throw incompatible('A token vocabulary needs at least the padding and out-of-vocabulary ids.');
}
