/**
 * The tensor methods (`x.reshape(...)`, `x.sum()`, `x.clipByValue(...)`) that TensorFlow.js
 * registers only in its umbrella package, on the same core (src/ml/tfjs.ts loads core and layers
 * without it). Each is the op of its name with the tensor first, except those below the list,
 * whose umbrella definitions differ; the test compares every name and a sample of results with
 * the umbrella's own.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Methods that call the op of the same name with the tensor as its first argument. */
export const TENSOR_FIRST_METHODS = [
  'abs',
  'acos',
  'acosh',
  'add',
  'all',
  'any',
  'argMax',
  'argMin',
  'asin',
  'asinh',
  'atan',
  'atan2',
  'atanh',
  'avgPool',
  'batchNorm',
  'batchToSpaceND',
  'broadcastTo',
  'cast',
  'ceil',
  'clipByValue',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'cos',
  'cosh',
  'cumprod',
  'cumsum',
  'depthToSpace',
  'depthwiseConv2d',
  'dilation2d',
  'div',
  'divNoNan',
  'dot',
  'elu',
  'equal',
  'erf',
  'euclideanNorm',
  'exp',
  'expandDims',
  'expm1',
  'fft',
  'floor',
  'floorDiv',
  'gather',
  'greater',
  'greaterEqual',
  'ifft',
  'irfft',
  'isFinite',
  'isInf',
  'isNaN',
  'leakyRelu',
  'less',
  'lessEqual',
  'localResponseNormalization',
  'log',
  'log1p',
  'logSigmoid',
  'logSoftmax',
  'logSumExp',
  'logicalAnd',
  'logicalNot',
  'logicalOr',
  'logicalXor',
  'matMul',
  'max',
  'maxPool',
  'maximum',
  'mean',
  'min',
  'minimum',
  'mirrorPad',
  'mod',
  'mul',
  'neg',
  'norm',
  'notEqual',
  'oneHot',
  'onesLike',
  'pad',
  'pool',
  'pow',
  'prelu',
  'prod',
  'reciprocal',
  'relu',
  'relu6',
  'reshape',
  'reverse',
  'rfft',
  'round',
  'rsqrt',
  'selu',
  'separableConv2d',
  'sigmoid',
  'sign',
  'sin',
  'sinh',
  'slice',
  'softmax',
  'softplus',
  'spaceToBatchND',
  'split',
  'sqrt',
  'square',
  'squaredDifference',
  'squeeze',
  'step',
  'stridedSlice',
  'sub',
  'sum',
  'tan',
  'tanh',
  'tile',
  'topk',
  'transpose',
  'unique',
  'unsortedSegmentSum',
  'unstack',
  'zerosLike',
] as const;

/** Methods whose umbrella definitions differ from that rule (casts, reshapes, argument order, tf.image ops). */
export const OTHER_METHODS = [
  'resizeBilinear',
  'resizeNearestNeighbor',
  'asType',
  'toBool',
  'toFloat',
  'toInt',
  'asScalar',
  'as1D',
  'flatten',
  'as2D',
  'as3D',
  'as4D',
  'as5D',
  'reshapeAs',
  'where',
  'concat',
  'stack',
] as const;

type Ops = Record<string, (...args: unknown[]) => tf.Tensor>;

/** Adds the chained methods to the tensor class; idempotent, and a method already present is kept. */
export function registerChainedMethods(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Ops;
  const define = (
    name: (typeof OTHER_METHODS)[number] | (typeof TENSOR_FIRST_METHODS)[number],
    method: (this: tf.Tensor, ...args: never[]) => unknown,
  ) => {
    if (Object.prototype.hasOwnProperty.call(proto, name)) return;
    proto[name] = function (this: tf.Tensor, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  };
  for (const name of TENSOR_FIRST_METHODS)
    define(name, function (this: tf.Tensor, ...args) {
      return ops[name]!(this, ...args);
    });
  define('asType', function (this: tf.Tensor, dtype: tf.DataType) {
    return tf.cast(this, dtype);
  });
  for (const [name, dtype] of [
    ['toBool', 'bool'],
    ['toFloat', 'float32'],
    ['toInt', 'int32'],
  ] as const)
    define(name, function (this: tf.Tensor) {
      return tf.cast(this, dtype);
    });
  define('asScalar', function (this: tf.Tensor) {
    tf.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tf.reshape(this, []);
  });
  for (const name of ['as1D', 'flatten'] as const)
    define(name, function (this: tf.Tensor) {
      return tf.reshape(this, [this.size]);
    });
  // asND(d0, ..., dN-1): the first N arguments are the shape.
  for (const [name, rank] of [
    ['as2D', 2],
    ['as3D', 3],
    ['as4D', 4],
    ['as5D', 5],
  ] as const)
    define(name, function (this: tf.Tensor, ...shape: number[]) {
      return tf.reshape(this, shape.slice(0, rank));
    });
  define('reshapeAs', function (this: tf.Tensor, x: tf.Tensor) {
    return tf.reshape(this, x.shape);
  });
  // Ops of the tf.image namespace, not of the top level.
  for (const name of ['resizeBilinear', 'resizeNearestNeighbor'] as const)
    define(name, function (this: tf.Tensor, ...args: never[]) {
      return (tf.image[name] as (...a: unknown[]) => tf.Tensor)(this, ...args);
    });
  define('where', function (this: tf.Tensor, condition: tf.Tensor, x: tf.Tensor) {
    return tf.where(condition, this, x);
  });
  // The tensor first among the ones given, one or a list.
  for (const [name, op] of [
    ['concat', tf.concat],
    ['stack', tf.stack],
  ] as const)
    define(name, function (this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
      return op([this, ...(x instanceof tf.Tensor ? [x] : x)], axis);
    });
}
