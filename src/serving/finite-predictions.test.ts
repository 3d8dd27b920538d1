import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../errors.ts';
import { assertFinitePredictions } from './finite-predictions.ts';

const ok = { label: 'a', probabilities: { a: 0.75, b: 0.25 } };

function refusal(predictions: Parameters<typeof assertFinitePredictions>[0]): UnprocessableError {
  try {
    assertFinitePredictions(predictions);
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableError);
    return error as UnprocessableError;
  }
  throw new Error('expected a refusal');
}

describe('assertFinitePredictions', () => {
  it('lets finite classifications, values and forecasts through', () => {
    expect(() => assertFinitePredictions([ok, { value: -3.5 }, { value: 1, forecast: [1, 2] } as never])).not.toThrow();
  });

  it('names every instance with a NaN or infinite probability, value or forecast step', () => {
    const error = refusal([
      ok,
      { label: 'a', probabilities: { a: NaN, b: NaN } },
      { value: Infinity },
      { value: 1, forecast: [1, -Infinity] } as never,
    ]);
    expect(error.code).toBe('non_finite_prediction');
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/instance 1 \(and 2 more\)/);
    expect(error.issues?.map((i) => i.path)).toEqual(['instances.1', 'instances.2', 'instances.3']);
  });

  it('reads a label named like an Object.prototype member as any other', () => {
    const error = refusal([{ label: 'constructor', probabilities: { constructor: NaN, toString: 1 } }]);
    expect(error.issues).toEqual([{ path: 'instances.0', message: expect.stringContaining('NaN or infinite') }]);
  });
});
