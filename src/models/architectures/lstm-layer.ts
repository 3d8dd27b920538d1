/**
 * TensorFlow.js's LSTM layer with its whole sequence run as one op (src/ml/lstm-sequence.ts)
 * where tensors live in host memory (the wasm and cpu backends): one tape entry with its own
 * gradient instead of some twenty kernels per time step forward and more backward. Elsewhere
 * (a GPU backend, where the op would copy every step's data to the host), and for what the op
 * does not implement (dropout inside the cell, stateful layers, initial or returned states,
 * activations other than tanh with hardSigmoid or sigmoid gates), tfjs's own loop runs.
 *
 * The class keeps the name `LSTM`, its config and weights, and is registered under that name,
 * so models saved before, and bidirectional wrappers (which rebuild their backward copy by
 * class name), load into this implementation.
 */
import * as tf from '../../ml/tfjs.ts';
import { LstmSequence, type GateActivation } from '../../ml/lstm-sequence.ts';

type LstmArgs = Parameters<typeof tf.layers.lstm>[0];

/** TensorFlow.js's own class: only reachable through an instance, its module is not exported. */
const TfjsLSTM = tf.layers.lstm({ units: 1 }).constructor as (new (args: LstmArgs) => tf.RNN) &
  Pick<typeof tf.layers.Layer, 'fromConfig'>;

/** The fields of tfjs's layer and cell this one reads (private in its typings). */
interface RecurrentState {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  cell: {
    units: number;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
    dropout: number;
    recurrentDropout: number;
    kernel: tf.LayerVariable;
    recurrentKernel: tf.LayerVariable;
    bias: tf.LayerVariable | null;
  };
}

/** Backends whose tensors the op can read and write without a device copy. */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

export class LSTM extends TfjsLSTM {
  static className = 'LSTM';
  private readonly sequence = new LstmSequence();

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const mask = kwargs?.['mask'] as tf.Tensor | null | undefined;
    const gate = x && this.fusedGate(x, mask, kwargs);
    if (!x || !gate) return super.call(inputs, kwargs);
    return this.fused(x, mask ?? undefined, gate);
  }

  /** The gate activation when the fused op can run this call, else undefined. */
  private fusedGate(
    x: tf.Tensor,
    mask: tf.Tensor | null | undefined,
    kwargs: tf.serialization.ConfigDict,
  ): GateActivation | undefined {
    const state = this as unknown as RecurrentState;
    const { cell } = state;
    const gate = cell.recurrentActivation.getClassName();
    if (
      !HOST_BACKENDS.has(tf.getBackend()) ||
      x.rank !== 3 ||
      x.dtype !== 'float32' ||
      (mask != null && mask.rank !== 2) ||
      kwargs?.['initialState'] != null ||
      state.stateful ||
      state.returnState ||
      cell.dropout > 0 ||
      cell.recurrentDropout > 0 ||
      cell.activation.getClassName() !== 'tanh' ||
      (gate !== 'hardSigmoid' && gate !== 'sigmoid')
    )
      return undefined;
    return gate;
  }

  private fused(x: tf.Tensor, mask: tf.Tensor | undefined, gate: GateActivation): tf.Tensor {
    const state = this as unknown as RecurrentState;
    const { cell, returnSequences: sequences, goBackwards } = state;
    const [batch = 0, time = 0, inputs = 0] = x.shape;
    const shape = { batch, time, inputs, units: cell.units };
    const sequence = this.sequence;
    const weights = [cell.kernel.read(), cell.recurrentKernel.read(), ...(cell.bias ? [cell.bias.read()] : [])];
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const tensors = args as tf.Tensor[];
      save(tensors);
      const run = () =>
        sequence.forward(
          tensors[0]!.dataSync() as Float32Array,
          mask?.dataSync() as ArrayLike<number> | undefined,
          shape,
          {
            kernel: tensors[1]!.dataSync() as Float32Array,
            recurrent: tensors[2]!.dataSync() as Float32Array,
            bias: tensors[3]?.dataSync() as Float32Array | undefined,
          },
          { goBackwards, sequences, gate },
        );
      const output = run();
      const forwardRun = sequence.run;
      return {
        value: tf.tensor(output, sequences ? [batch, time, cell.units] : [batch, cell.units], 'float32'),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          // Another forward pass of this layer since (not in a training step, but possible)
          // overwrote the state the backward pass reads: run this one again.
          if (sequence.run !== forwardRun) run();
          const dOutput = (Array.isArray(dy) ? dy[0]! : dy).dataSync() as Float32Array;
          const grads = sequence.backward(dOutput, sequences);
          return [
            tf.tensor(grads.dx, x.shape, 'float32'),
            tf.tensor(grads.dKernel, tensors[1]!.shape, 'float32'),
            tf.tensor(grads.dRecurrent, tensors[2]!.shape, 'float32'),
            ...(tensors[3] ? [tf.tensor(grads.dBias, tensors[3].shape, 'float32')] : []),
          ];
        },
      };
    });
    return op(x, ...weights);
  }
}

tf.serialization.registerClass(LSTM);
