import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { OTHER_METHODS, TENSOR_FIRST_METHODS } from './chained-tensor-methods.ts';
import * as tf from './tfjs.ts';

const require = createRequire(import.meta.url);
type Method = (this: tf.Tensor, ...args: unknown[]) => tf.Tensor;

describe('chained tensor methods without the umbrella package', () => {
  it('are the methods the umbrella adds, every one, and answer what its own answer', () => {
    // This file runs in a process of its own (vitest.config.ts): the methods tensors have here are ours.
    expect(require.cache[require.resolve('@tensorflow/tfjs')]).toBeUndefined();
    const proto = tf.Tensor.prototype as unknown as Record<string, Method>;
    // Values only: the class's getters (rank, ...) need a tensor.
    const own = () =>
      new Map(
        Object.getOwnPropertyNames(proto).map((name) => [name, Object.getOwnPropertyDescriptor(proto, name)!.value]),
      );
    const ours = own();
    const x = tf.tensor2d([
      [-2, 0.5],
      [3, -4],
    ]);
    const mask = tf.tensor2d(
      [
        [1, 0],
        [0, 1],
      ],
      undefined,
      'bool',
    );
    const calls: [string, unknown[]][] = [
      ['clipByValue', [0, 1]],
      ['reshape', [[4]]],
      ['sum', [0]],
      ['mean', []],
      ['transpose', []],
      ['matMul', [x, false, true]],
      ['add', [tf.scalar(1)]],
      ['relu', []],
      ['squeeze', []],
      ['oneHot', [3]],
      ['asType', ['int32']],
      ['toFloat', []],
      ['toInt', []],
      ['toBool', []],
      ['as1D', []],
      ['flatten', []],
      ['as2D', [1, 4]],
      ['as3D', [1, 2, 2]],
      ['reshapeAs', [tf.zeros([4, 1])]],
      ['where', [mask, tf.zerosLike(x)]],
      ['concat', [x, 1]],
      ['concat', [[x, x]]],
      ['stack', [x]],
      ['stack', [[x, x], 1]],
      ['resizeBilinear', [[3, 3]]],
      ['maxPool', [1, 1, 'valid']],
    ];
    const answers = (methods: (name: string) => Method) =>
      calls.map(([name, args]) => {
        const input =
          name === 'oneHot'
            ? tf.tensor1d([0, 2], 'int32')
            : ['resizeBilinear', 'maxPool'].includes(name)
              ? x.reshape([2, 2, 1])
              : x;
        const y = methods(name).apply(input, args);
        return { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
      });
    const before = answers((name) => ours.get(name)!);
    expect(tf.tensor1d([5]).asScalar().shape).toEqual([]);

    require('@tensorflow/tfjs');
    const theirs = own();
    // Nothing new: the umbrella adds no method that was missing here.
    expect([...theirs.keys()].filter((name) => !ours.has(name))).toEqual([]);
    // It replaced exactly ours, so each is one of its own.
    const replaced = [...theirs.keys()].filter((name) => theirs.get(name) !== ours.get(name));
    expect(replaced.sort()).toEqual([...TENSOR_FIRST_METHODS, ...OTHER_METHODS].sort());
    expect(answers((name) => proto[name]!)).toEqual(before);
  });
});
