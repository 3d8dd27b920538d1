/**
 * The two layers TensorFlow.js lacks for transformer encoders: multi-head self-attention and
 * a token + learned-position embedding. Both are registered for serialisation, so a model
 * that contains them saves and loads like any other LayersModel.
 *
 * Scope: what a text classifier / sequence encoder needs. There is no padding mask: tfjs's
 * mask propagation would have to be supported by every layer downstream (Dense and the
 * pooling layers do not), so padded positions are attended to and the model learns to
 * ignore the padding embedding, as in the common Keras text-classification recipe.
 */
import * as tf from '../../ml/tfjs.ts';

type LayerWeight = tf.LayerVariable;
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** The base-layer options these layers pass through to `tf.layers.Layer`. */
interface LayerArgs {
  name?: string;
  trainable?: boolean;
  inputShape?: tf.Shape;
  batchInputShape?: tf.Shape;
}

/**
 * Rejects a size that is not a positive integer when the layer is made, rather than as a
 * confusing weight-shape error when it is built.
 */
function assertPositiveIntegers<K extends string>(args: Readonly<Record<K, number>>, keys: readonly K[]): void {
  for (const key of keys) {
    if (!Number.isInteger(args[key]) || args[key] < 1)
      throw new Error(`${key} must be a positive integer, got ${args[key]}.`);
  }
}

/** The shape of the first input: tfjs passes a list of shapes to layers that take several. */
function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/** Hyperparameters of {@link MultiHeadSelfAttention}. */
export interface MultiHeadSelfAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Size of each head's query/key/value projection. */
  keyDim: number;
  /** When true, position i attends only to positions <= i (autoregressive encoders). */
  causal?: boolean;
  /** Seed for the Glorot-uniform initialisers (reproducible tests and benchmarks). */
  seed?: number;
}

/**
 * Multi-head scaled dot-product self-attention over `[batch, time, features]`, returning the
 * same shape (an output projection maps the heads back to `features`).
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly causal: boolean;
  private readonly seed: number | undefined;
  private weightsByName = new Map<string, LayerWeight>();

  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    assertPositiveIntegers(args, ['numHeads', 'keyDim']);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.causal = args.causal ?? false;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    const features = shape[shape.length - 1];
    if (shape.length !== 3 || typeof features !== 'number') {
      throw new Error(`MultiHeadSelfAttention expects [batch, time, features] input, got [${shape.join(', ')}].`);
    }
    const inner = this.numHeads * this.keyDim;
    const glorot = (offset: number) =>
      tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + offset });
    const add = (name: string, dims: number[], init: Initializer) => {
      this.weightsByName.set(name, this.addWeight(name, dims, 'float32', init));
    };
    add('query_kernel', [features, inner], glorot(0));
    add('key_kernel', [features, inner], glorot(1));
    add('value_kernel', [features, inner], glorot(2));
    add('output_kernel', [inner, features], glorot(3));
    for (const [name, size] of [
      ['query_bias', inner],
      ['key_bias', inner],
      ['value_bias', inner],
      ['output_bias', features],
    ] as const) {
      add(name, [size], tf.initializers.zeros());
    }
    this.built = true;
  }

  private w(name: string): tf.Tensor {
    const weight = this.weightsByName.get(name);
    if (weight === undefined) throw new Error(`MultiHeadSelfAttention used before build (no '${name}').`);
    return weight.read();
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank !== 3) {
        throw new Error(
          `MultiHeadSelfAttention expects [batch, time, features] input, got [${x?.shape.join(', ') ?? ''}].`,
        );
      }
      const [, time = 0, features = 0] = x.shape;
      const flat = x.reshape([-1, features]);
      // [batch*time, heads*keyDim] -> [batch, heads, time, keyDim] (keys: [batch, heads, keyDim, time])
      const project = (kind: 'query' | 'key' | 'value', perm: number[]) =>
        tf
          .add(tf.matMul(flat, this.w(`${kind}_kernel`)), this.w(`${kind}_bias`))
          .reshape([-1, time, this.numHeads, this.keyDim])
          .transpose(perm);
      const q = project('query', [0, 2, 1, 3]);
      // Keys are laid out transposed here rather than through matMul's transposeB, which the
      // wasm backend computes in a slow loop (src/ml/wasm-matmul.ts).
      const kT = project('key', [0, 2, 3, 1]);
      const v = project('value', [0, 2, 1, 3]);
      let scores = tf.matMul(q, kT).mul(1 / Math.sqrt(this.keyDim));
      if (this.causal) scores = scores.add(causalMask(time));
      const context = tf
        .matMul(tf.softmax(scores), v)
        .transpose([0, 2, 1, 3])
        .reshape([-1, this.numHeads * this.keyDim]);
      return tf.add(tf.matMul(context, this.w('output_kernel')), this.w('output_bias')).reshape([-1, time, features]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return firstShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, keyDim: this.keyDim, causal: this.causal };
  }
}

/** Additive mask: 0 where key position <= query position, a large negative number after it. */
function causalMask(time: number): tf.Tensor2D {
  const values = new Float32Array(time * time);
  for (let i = 0; i < time; i++) for (let j = i + 1; j < time; j++) values[i * time + j] = -1e9;
  return tf.tensor2d(values, [time, time]);
}

/** Hyperparameters of {@link PositionalEmbedding}. */
export interface PositionalEmbeddingArgs extends LayerArgs {
  /** Token ids are in [0, vocabSize); 0 is conventionally padding. */
  vocabSize: number;
  /** Longest sequence the layer accepts (size of the position table). */
  maxLength: number;
  embedDim: number;
  seed?: number;
}

/**
 * Token embedding plus a learned position embedding: `[batch, time]` ids (any numeric dtype,
 * cast to int32) -> `[batch, time, embedDim]`, with time <= maxLength.
 */
export class PositionalEmbedding extends tf.layers.Layer {
  static className = 'PositionalEmbedding';
  readonly vocabSize: number;
  readonly maxLength: number;
  readonly embedDim: number;
  private readonly seed: number | undefined;
  private tokenTable: LayerWeight | undefined;
  private positionTable: LayerWeight | undefined;

  constructor(args: PositionalEmbeddingArgs) {
    super(args);
    assertPositiveIntegers(args, ['vocabSize', 'maxLength', 'embedDim']);
    this.vocabSize = args.vocabSize;
    this.maxLength = args.maxLength;
    this.embedDim = args.embedDim;
    this.seed = args.seed;
  }

  override build(): void {
    const uniform = (offset: number) =>
      tf.initializers.randomUniform({
        minval: -0.05,
        maxval: 0.05,
        seed: this.seed === undefined ? undefined : this.seed + offset,
      });
    this.tokenTable = this.addWeight('token_embeddings', [this.vocabSize, this.embedDim], 'float32', uniform(0));
    this.positionTable = this.addWeight('position_embeddings', [this.maxLength, this.embedDim], 'float32', uniform(1));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0] : inputs;
      if (ids === undefined || this.tokenTable === undefined || this.positionTable === undefined) {
        throw new Error('PositionalEmbedding called before build or without input.');
      }
      const time = ids.shape[1] ?? 0;
      if (time > this.maxLength)
        throw new Error(`PositionalEmbedding: sequence length ${time} exceeds maxLength ${this.maxLength}.`);
      // Out-of-range ids would silently read garbage on some backends; clamp them into the table.
      const safeIds = tf.clipByValue(ids.toInt(), 0, this.vocabSize - 1);
      const tokens = tf.gather(this.tokenTable.read(), safeIds);
      const positions = tf.slice(this.positionTable.read(), [0, 0], [time, this.embedDim]);
      return tokens.add(positions);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape);
    return [...shape, this.embedDim];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, maxLength: this.maxLength, embedDim: this.embedDim };
  }
}

tf.serialization.registerClass(MultiHeadSelfAttention);
tf.serialization.registerClass(PositionalEmbedding);
