/**
 * The epoch/batch driver both training loops run on (tabular-loop.ts for tabular models,
 * deep-loop.ts for N-D ones): seeded shuffles, cancellation and preemption between
 * batches, checkpoints and exact resume, progress per epoch, and early stopping that restores
 * the best weights. What differs between the loops — how a batch is trained, how the
 * validation loss is measured, how an epoch's shuffle is seeded — comes in an EpochTrainer.
 */
import { tf } from '../../ml/backend.ts';
import { SeededRandom } from '../../ml/seeded-random.ts';
import type { ModelSpec } from '../../models/model-spec.ts';
import { createBatchStep, createOptimizer } from './gradient-step.ts';
import type { BatchStep } from './gradient-step.ts';
import { TrainingCancelled } from './training-cancelled.ts';
import { trainingDiverged } from './training-diverged.ts';
import { TrainingPreempted } from './training-preempted.ts';

/** What one finished epoch reports (epochs count from 1). */
export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean training objective over the epoch's batches: data loss plus the L2 penalty. */
  loss: number;
  /** Data loss on the validation split, without dropout or penalty; absent without one. */
  valLoss?: number;
  /** The epoch with the lowest valLoss so far. */
  bestEpoch?: number;
  /** The model's metric on the training split and the validation split (epoch-metrics.ts), by name. */
  metrics?: Record<string, number>;
  elapsedMs: number;
}

/**
 * Everything the loop needs to continue exactly where it was, taken at a batch boundary.
 * Shuffles and dropout masks are pure functions of (seed, epoch, batch), so no random
 * generator state is part of it. Tensors belong to whoever made the state: the loop's
 * own snapshots are only valid during `save`, and a restored state is read, not kept.
 */
export interface LoopState {
  /** The epoch in progress, from 1. */
  epoch: number;
  /** Offset of the next batch within the epoch's order; 0 when the epoch has not started. */
  batchStart: number;
  /** Sum of batch losses (times batch size) so far in this epoch. */
  lossSum: number;
  /** Reports of the finished epochs. */
  history: EpochReport[];
  /** Lowest validation loss so far (null: none yet) and its epoch. */
  best: { loss: number | null; epoch: number };
  /** `model.getWeights()` order. */
  modelWeights: tf.Tensor[];
  /** `optimizer.getWeights()`: the iteration count first, then the slots per variable. */
  optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>;
  /** The best epoch's weights, kept when early stopping will restore them. */
  bestWeights?: tf.Tensor[];
  /** Training time spent before this state, across earlier attempts. */
  elapsedMs: number;
}

/** When and where the loop hands out its state. */
export interface CheckpointHooks {
  /** Save after every this many epochs ... */
  everyEpochs: number;
  /** ... or after the first epoch that ends this long after the last save. */
  everyMs: number;
  /** Persists the state; must not dispose or keep its tensors. */
  save(state: LoopState): Promise<void>;
}

/** Callbacks from the loop: progress after each epoch, cancellation between batches. */
export interface TrainingHooks {
  onEpoch?(report: EpochReport): void | Promise<void>;
  /** Checked before every batch; returning true aborts with TrainingCancelled. */
  shouldStop?(): boolean | Promise<boolean>;
  /** Checked before every batch; true saves a checkpoint there and aborts with TrainingPreempted. */
  shouldPreempt?(): boolean;
  checkpoint?: CheckpointHooks;
  /** Continue from this state instead of from epoch 1. */
  resumeFrom?: LoopState;
}

/** What a training loop returns. */
export interface FitResult {
  history: EpochReport[];
  /** Epoch whose weights the model holds (the best one when early stopping restored them). */
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** The parts of a training loop that differ between model kinds. */
export interface EpochTrainer {
  model: tf.LayersModel;
  /** Stepped by `trainBatch`; the driver saves and restores its slots, the caller disposes it. */
  optimizer: tf.Optimizer;
  /** Training examples per epoch. */
  count: number;
  /** Seed of the epoch's shuffle; must depend on the epoch alone so a resumed run visits the same order. */
  shuffleSeed(epoch: number): number;
  /**
   * One optimiser step on the examples at `batch`, the slice at `start` of the epoch's order;
   * returns the batch's summed objective.
   */
  trainBatch(batch: number[], epoch: number, start: number): number;
  /** Data loss on the validation split, without dropout or penalty; absent without one. */
  validationLoss?(): number;
  /** The model's metrics after the epoch (called after validationLoss), by name. */
  epochMetrics?(): Record<string, number>;
  /**
   * A streamed table's epoch instead of shuffled indices: its batches in the epoch's order from
   * the `from`-th example on (the same order on every call for an epoch), `trainBatch` unused.
   */
  epochBatches?(epoch: number, from: number): AsyncIterable<EpochBatch>;
  /**
   * Writes weights the trainer keeps outside the model (dense-stack.ts) into the model's
   * variables; called before the driver reads them: at each epoch's end and before a checkpoint.
   */
  flush?(): void;
}

/** One batch of an epoch: where it starts in the epoch's order, and its optimiser step. */
export interface EpochBatch {
  start: number;
  /** Takes the step; returns the batch's summed objective. */
  train(): number;
}

/** The batches of an in-memory epoch: slices of its shuffled `order` from `from` on. */
function* indexedBatches(trainer: EpochTrainer, epoch: number, from: number, batchSize: number): Generator<EpochBatch> {
  const order = new SeededRandom(trainer.shuffleSeed(epoch)).shuffle(
    Array.from({ length: trainer.count }, (_, index) => index),
  );
  for (let start = from; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    yield { start, train: () => trainer.trainBatch(batch, epoch, start) };
  }
}

/** The hyperparameters every training loop takes, named as the model spec names them, and the seed. */
export type LoopOptions = Pick<ModelSpec, 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'l2'> & {
  /** Resolved by the pipelines (on by default with a validation split); absent: run every epoch. */
  earlyStopping?: Exclude<ModelSpec['earlyStopping'], false>;
  seed: number;
};

/** The schedule: how long, how big the batches, and when to stop early. */
export type EpochOptions = Pick<LoopOptions, 'epochs' | 'batchSize' | 'earlyStopping'>;

// Let a worker thread handle messages (progress, cancel requests) without a yield per batch.
const YIELD_EVERY_MS = 50;

/**
 * Runs the epochs of `trainer` (see the file comment). With `hooks.checkpoint` it hands out its
 * whole state every few epochs (and when preempted), and `hooks.resumeFrom` continues from such
 * a state to the same result as a run that was never interrupted.
 */
export async function runEpochs(
  trainer: EpochTrainer,
  options: EpochOptions,
  hooks: TrainingHooks = {},
): Promise<FitResult> {
  const { model, optimizer } = trainer;
  const started = Date.now();
  let lastYield = started;
  const resume = hooks.resumeFrom;
  const history: EpochReport[] = resume ? [...resume.history] : [];
  let best: { loss: number; epoch: number; weights?: tf.Tensor[] } = {
    loss: resume?.best.loss ?? Infinity,
    epoch: resume?.best.epoch ?? 0,
  };
  const elapsed = () => (resume?.elapsedMs ?? 0) + Date.now() - started;
  let lastCheckpoint = Date.now();
  let stoppedEarly = false;
  try {
    if (resume) {
      model.setWeights(resume.modelWeights);
      await optimizer.setWeights(resume.optimizerWeights);
      if (resume.bestWeights) best.weights = resume.bestWeights.map((tensor) => tensor.clone());
    }
    const snapshot = async (epoch: number, batchStart: number, lossSum: number) => {
      trainer.flush?.();
      const optimizerWeights = await optimizer.getWeights();
      try {
        await hooks.checkpoint?.save({
          epoch,
          batchStart,
          lossSum,
          history: [...history],
          best: { loss: Number.isFinite(best.loss) ? best.loss : null, epoch: best.epoch },
          modelWeights: model.getWeights(),
          optimizerWeights,
          bestWeights: best.weights,
          elapsedMs: elapsed(),
        });
      } finally {
        // getWeights hands out the live slot variables plus a fresh iteration-count scalar.
        optimizerWeights.forEach(({ tensor }) => tensor instanceof tf.Variable || tensor.dispose());
      }
      lastCheckpoint = Date.now();
    };
    for (let epoch = resume?.epoch ?? 1; epoch <= options.epochs; epoch++) {
      const resuming = resume !== undefined && epoch === resume.epoch;
      let lossSum = resuming ? resume.lossSum : 0;
      const from = resuming ? resume.batchStart : 0;
      const batches = trainer.epochBatches
        ? trainer.epochBatches(epoch, from)
        : indexedBatches(trainer, epoch, from, options.batchSize);
      for await (const { start, train } of batches) {
        if (await hooks.shouldStop?.()) throw new TrainingCancelled(epoch);
        if (hooks.shouldPreempt?.()) {
          await snapshot(epoch, start, lossSum);
          throw new TrainingPreempted(epoch);
        }
        lossSum += train();
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      }
      trainer.flush?.();
      const report: EpochReport = {
        epoch,
        epochs: options.epochs,
        loss: lossSum / Math.max(1, trainer.count),
        elapsedMs: elapsed(),
      };
      if (trainer.validationLoss) {
        const valLoss = trainer.validationLoss();
        report.valLoss = valLoss;
        if (valLoss < best.loss - (options.earlyStopping?.minDelta ?? 0)) {
          best.weights?.forEach((tensor) => tensor.dispose());
          // getWeights returns the live variables: clone, or the snapshot would keep changing.
          best = {
            loss: valLoss,
            epoch,
            weights: options.earlyStopping ? model.getWeights().map((tensor) => tensor.clone()) : undefined,
          };
        }
        report.bestEpoch = best.epoch;
      }
      // A diverging model's NaN metric is left out: the loss check below names the failure.
      if (trainer.epochMetrics)
        report.metrics = Object.fromEntries(
          Object.entries(trainer.epochMetrics()).filter(([, value]) => Number.isFinite(value)),
        );
      if (!Number.isFinite(report.loss)) throw trainingDiverged(`at epoch ${epoch} (loss ${report.loss})`);
      history.push(report);
      await hooks.onEpoch?.(report);
      if (options.earlyStopping && best.epoch > 0 && epoch - best.epoch >= options.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
      const due =
        epoch % (hooks.checkpoint?.everyEpochs ?? Infinity) === 0 ||
        Date.now() - lastCheckpoint >= (hooks.checkpoint?.everyMs ?? Infinity);
      if (hooks.checkpoint && due && epoch < options.epochs) await snapshot(epoch + 1, 0, 0);
    }
    if (options.earlyStopping && best.weights) {
      model.setWeights(best.weights);
      return { history, bestEpoch: best.epoch, stoppedEarly };
    }
    return { history, bestEpoch: history.length, stoppedEarly };
  } finally {
    best.weights?.forEach((tensor) => tensor.dispose());
  }
}

/**
 * Runs the epochs with a fresh optimiser (`options.optimizer` at its learning rate) and a batch
 * step over `x` and `y` with the L2 penalty; `trainer` describes the rest from that step.
 * The optimiser, `x`, `y` and `owned` are freed however the run ends.
 */
export async function fitWith(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: LoopOptions,
  hooks: TrainingHooks,
  trainer: (step: BatchStep) => Omit<EpochTrainer, 'model' | 'optimizer'>,
  owned: tf.TensorContainer = [],
): Promise<FitResult> {
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  try {
    return await runEpochs(
      { model, optimizer, ...trainer(createBatchStep(model, optimizer, options.l2, x, y)) },
      options,
      hooks,
    );
  } finally {
    tf.dispose([x, y, owned]);
    optimizer.dispose();
  }
}
