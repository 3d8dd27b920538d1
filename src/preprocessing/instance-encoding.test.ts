import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { encodeInstances } from './instance-encoding.ts';
import type { PreprocessingState } from './preprocessing-state.ts';

const state: PreprocessingState = {
  version: 1,
  features: [
    { kind: 'numeric', name: 'age', type: 'integer', median: 40, mean: 40, std: 10 },
    { kind: 'categorical', name: 'city', categories: ['Lyon', 'Paris'], mostFrequent: 'Paris' },
    { kind: 'boolean', name: 'member', mostFrequent: false },
  ],
  width: 5,
  target: { task: 'classification', name: 'churn', labels: [false, true] },
};

function issuesOf(instances: unknown[]): { path: string; message: string }[] {
  try {
    encodeInstances(state, instances);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues ?? [];
  }
  throw new Error('expected a ValidationError');
}

describe('encodeInstances', () => {
  it('encodes objects and input-schema-ordered arrays identically', () => {
    const fromObject = encodeInstances(state, [{ age: 50, city: 'Lyon', member: true }]);
    const fromArray = encodeInstances(state, [[50, 'Lyon', true]]);
    expect(Array.from(fromObject)).toEqual([1, 1, 0, 0, 1]);
    expect(fromArray).toEqual(fromObject);
  });

  it('imputes null and absent features as in training and sends unseen categories to the unknown bucket', () => {
    expect(Array.from(encodeInstances(state, [{ city: 'Nice', age: null }]))).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(encodeInstances(state, [{}]))).toEqual([0, 0, 1, 0, 0]);
  });

  it('names every wrong value by instance index and feature', () => {
    const issues = issuesOf([
      { age: '50' },
      { age: Number.NaN, city: {}, member: 'yes' },
      { height: 180 },
      [1, 2],
      'text',
      { age: Infinity },
    ]);
    expect(issues.map((issue) => issue.path)).toEqual([
      'instances.0.age',
      'instances.1.age',
      'instances.1.city',
      'instances.1.member',
      'instances.2.height',
      'instances.3',
      'instances.4',
      'instances.5.age',
    ]);
    expect(issues[0]?.message).toMatch(/number/);
    expect(issues[4]?.message).toMatch(/Unknown feature 'height'/);
  });

  it('refuses numbers finite in JavaScript that overflow the float32 the model reads, once scaled', () => {
    // age is scaled as (age - 40) / 10: 3e39 becomes 3e38, still a float32; 1e40 does not.
    expect(encodeInstances(state, [{ age: 3e39 }])[0]).toBeCloseTo(3e38, -32);
    const issues = issuesOf([{ age: 50 }, { age: 1e40 }, [-1e300, 'Lyon', true]]);
    expect(issues.map((issue) => issue.path)).toEqual(['instances.1.age', 'instances.2.age']);
    expect(issues[0]?.message).toMatch(/32-bit floats/);
  });
});
