/**
 * The tabular loop on a table that is streamed rather than held: the same model, loss,
 * seeded dropout, optimiser, early stopping and checkpoints as tabular-loop.ts, on batches the
 * pipeline reads, encodes and shuffles pass by pass (src/training/pipelines/tabular-stream.ts).
 * Only one batch is in tensors at a time; the validation loss is measured on a bounded sample.
 */
import { tf } from '../../ml/backend.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import type { EncodedSplit } from '../../preprocessing/tabular-preprocessing.ts';
import { runEpochs } from './epoch-loop.ts';
import type { FitResult, TrainingHooks } from './epoch-loop.ts';
import { createOptimizer, createTensorStep, mix } from './gradient-step.ts';
import { dataLoss, denseStackFor, forward, targetTensor, type FitOptions } from './tabular-loop.ts';

/** One encoded batch of an epoch and where it starts in the epoch's order. */
export interface StreamedBatch {
  start: number;
  batch: EncodedSplit;
}

/**
 * The encoded batches of `epoch` in its order, skipping the first `from` examples: the order
 * must be the same on every call for an epoch, so a resumed run trains what an uninterrupted
 * one would have.
 */
export type EpochStream = (epoch: number, from: number) => AsyncIterable<StreamedBatch>;

/**
 * Trains `model` on `count` training examples per epoch from `stream`, measuring the validation
 * loss on `validation` (a sample of the validation split, bounded in size). See fitModel for
 * the rest: hooks, early stopping, checkpoints and resume behave the same.
 */
export async function fitStreamed(
  model: tf.Sequential,
  count: number,
  stream: EpochStream,
  validation: EncodedSplit | undefined,
  options: FitOptions,
  hooks: TrainingHooks = {},
): Promise<FitResult> {
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  // The hand-written step where the model is a plain dense stack on wasm/cpu (see fitModel).
  const stack = denseStackFor(model, optimizer, options);
  const step = stack ? undefined : createTensorStep(model, optimizer, options.l2);
  const xValidation =
    validation && validation.rows > 0 ? tf.tensor2d(validation.x, [validation.rows, validation.width]) : undefined;
  const yValidation = validation && xValidation ? targetTensor(validation, options) : undefined;
  try {
    return await runEpochs(
      {
        model,
        optimizer,
        count,
        shuffleSeed: (epoch) => mix(options.seed, epoch, 0),
        trainBatch: () => {
          throw new Error('a streamed epoch trains its own batches');
        },
        epochBatches: (epoch, from) =>
          batchesOf(stream(epoch, from), (start, batch) => {
            const batchRandom = new SeededRandom(mix(options.seed, epoch, start + 1));
            const dropoutSeeds = model.layers.map(() => batchRandom.nextInt());
            if (stack) return stack.step(batch.x, batch.y, batch.rows, dropoutSeeds);
            const x = tf.tensor2d(batch.x, [batch.rows, batch.width]);
            const y = targetTensor(batch, options);
            try {
              return step!(x, y, batch.rows, (xBatch, yBatch) =>
                dataLoss(options, forward(model, xBatch, dropoutSeeds), yBatch),
              );
            } finally {
              tf.dispose([x, y]);
            }
          }),
        flush: stack && (() => stack.flush()),
        validationLoss:
          xValidation && yValidation
            ? () => tf.tidy(() => dataLoss(options, forward(model, xValidation), yValidation).dataSync()[0] ?? NaN)
            : undefined,
      },
      options,
      hooks,
    );
  } finally {
    tf.dispose([xValidation, yValidation]);
    optimizer.dispose();
  }
}

async function* batchesOf(
  stream: AsyncIterable<StreamedBatch>,
  train: (start: number, batch: EncodedSplit) => number,
): AsyncGenerator<{ start: number; train(): number }> {
  for await (const { start, batch } of stream) yield { start, train: () => train(start, batch) };
}
