import { describe, expect, it } from 'vitest';
import type { TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeOutputs } from './input-adapter.ts';
import { instancesFromTensors } from './open-inference-format.ts';
import { columnarOutputs, instancesFromColumns, instancesFromExamples } from './tf-serving-format.ts';

const labels = ['__proto__', 'constructor', 'toString'];
const target: TargetEncoding = { task: 'classification', name: 'label', labels };
const parse = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('serving formats with keys a plain object inherits', () => {
  it('keeps a label named __proto__ among the probabilities', () => {
    const [prediction] = decodeOutputs(target, Float32Array.from([0.5, 0.25, 0.25]), 1);
    const probabilities = (prediction as { probabilities: Record<string, number> }).probabilities;
    expect(Object.keys(probabilities)).toEqual(labels);
    expect(JSON.parse(JSON.stringify(probabilities))).toEqual(
      parse('{"__proto__":0.5,"constructor":0.25,"toString":0.25}'),
    );
    const output = { task: 'classification' as const, target: 'label', labels };
    expect(columnarOutputs([prediction!], output)).toEqual({
      label: ['__proto__'],
      scores: [[0.5, 0.25, 0.25]],
      probabilities: [[0.5, 0.25, 0.25]],
    });
  });

  it('reads labels the probabilities lack as 0, never as an inherited member', () => {
    const output = { task: 'classification' as const, target: 'label', labels };
    const outputs = columnarOutputs([{ label: 'x', probabilities: { x: 1 } }], output);
    expect(outputs).toEqual({ label: ['x'], scores: [[0, 0, 0]], probabilities: [[0, 0, 0]] });
  });

  it('takes examples with features named constructor and toString when no context is given', () => {
    const [instance] = instancesFromExamples([parse('{"constructor":1,"toString":"a","__proto__":2}')]);
    expect(Object.hasOwn(instance as object, '__proto__')).toBe(true);
    expect({ ...(instance as object) }).toEqual(parse('{"constructor":1,"toString":"a","__proto__":2}'));
    expect(() => instancesFromExamples([parse('{"constructor":1}')], parse('{"constructor":2}'))).toThrow(/malformed/);
  });

  it('keeps a feature named __proto__ in columnar inputs and V2 per-feature tensors', () => {
    const [columnar] = instancesFromColumns(parse('{"__proto__":[1],"hasOwnProperty":[2]}'));
    expect(Object.hasOwn(columnar as object, '__proto__')).toBe(true);
    expect((columnar as Record<string, unknown>)['__proto__']).toBe(1);
    const schema = { features: [{ name: '__proto__', type: 'number' as const }] };
    const [tensor] = instancesFromTensors([{ name: '__proto__', datatype: 'FP32', shape: [1], data: [3] }], schema);
    expect(Object.hasOwn(tensor as object, '__proto__')).toBe(true);
  });
});
