import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { tensorValues, type V2Datatype } from './open-inference-format.ts';

const tensor = (datatype: V2Datatype, value: number) => ({ name: 'x', shape: [1], datatype, data: [value] });

/** Each integer datatype with the first value outside it on either side, and its extremes inside. */
const ranges: [V2Datatype, number, number][] = [
  ['INT8', -128, 127],
  ['INT16', -32768, 32767],
  ['INT32', -(2 ** 31), 2 ** 31 - 1],
  ['UINT8', 0, 255],
  ['UINT16', 0, 65535],
  ['UINT32', 0, 2 ** 32 - 1],
];

describe('V2 integer tensors', () => {
  it.each(ranges)('accept %s values from %d to %d and refuse the next one either side', (datatype, min, max) => {
    expect(tensorValues(tensor(datatype, min), 'inputs.0')).toEqual([min]);
    expect(tensorValues(tensor(datatype, max), 'inputs.0')).toEqual([max]);
    for (const outside of [min - 1, max + 1]) {
      const refuse = () => tensorValues(tensor(datatype, outside), 'inputs.0');
      expect(refuse).toThrow(ValidationError);
      expect(refuse).toThrow(`${datatype} data must lie in`);
    }
  });

  it('refuses 64-bit integers beyond what the datatype holds', () => {
    expect(tensorValues(tensor('INT64', -(2 ** 63)), 'i')).toEqual([-(2 ** 63)]);
    expect(() => tensorValues(tensor('INT64', 2 ** 63), 'i')).toThrow('INT64 data must lie in');
    expect(() => tensorValues(tensor('INT64', -(2 ** 64)), 'i')).toThrow('INT64 data must lie in');
    expect(tensorValues(tensor('UINT64', 2 ** 53), 'i')).toEqual([2 ** 53]);
    expect(() => tensorValues(tensor('UINT64', 2 ** 64), 'i')).toThrow('UINT64 data must lie in');
    expect(() => tensorValues(tensor('UINT64', -1), 'i')).toThrow('UINT64 data must lie in');
  });

  it('names the offending element', () => {
    const data = { name: 'age', shape: [3], datatype: 'INT8' as const, data: [1, 2, 999] };
    expect(() => tensorValues(data, 'inputs.0')).toThrow(
      expect.objectContaining({ issues: [{ path: 'inputs.0.data.2', message: 'INT8 data must lie in -128 to 127' }] }),
    );
  });

  it('leaves floating-point data unbounded but finite', () => {
    expect(tensorValues(tensor('FP32', 1e30), 'i')).toEqual([1e30]);
    expect(() => tensorValues(tensor('FP64', Infinity), 'i')).toThrow('must be finite');
  });
});
