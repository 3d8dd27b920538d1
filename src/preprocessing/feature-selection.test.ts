import { describe, expect, it } from 'vitest';
import { columnProfile as column } from '../../test/support/column-profile.ts';
import { selectFeatures } from './feature-selection.ts';

const columns = [
  column('customer_id', 'categorical', 100),
  column('age', 'integer', 40),
  column('country', 'categorical', 5),
  column('note', 'text', 90),
  column('signed_up', 'datetime', 80),
  column('plan', 'categorical', 1),
  column('empty', 'number', 0, 100),
  column('churned', 'boolean', 2),
];

describe('selectFeatures', () => {
  it('excludes id-like, constant, empty, text and datetime columns with a reason', () => {
    const selection = selectFeatures(columns, 'churned', 100);
    expect(selection.features.map((c) => c.name)).toEqual(['age', 'country']);
    expect(Object.fromEntries(selection.excluded.map((e) => [e.name, e.reason]))).toEqual({
      customer_id: 'id_like',
      note: 'text',
      signed_up: 'datetime',
      plan: 'constant',
      empty: 'all_missing',
    });
  });

  it('uses an explicit feature list in its order, overriding automatic exclusion', () => {
    const selection = selectFeatures(columns, 'churned', 100, ['plan', 'age']);
    expect(selection.features.map((c) => c.name)).toEqual(['plan', 'age']);
    expect(selection.excluded.find((e) => e.name === 'country')?.reason).toBe('not_requested');
  });

  it('rejects unknown, duplicate, target and unencodable requested features by position', () => {
    expect(() => selectFeatures(columns, 'churned', 100, ['age', 'agee', 'churned', 'age', 'note'])).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        issues: [
          { path: 'features.1', message: "Unknown column 'agee'." },
          expect.objectContaining({ path: 'features.2' }),
          expect.objectContaining({ path: 'features.3' }),
          expect.objectContaining({ path: 'features.4' }),
        ],
      }),
    );
  });

  it('fails with 422 when no usable column is left', () => {
    expect(() => selectFeatures([column('id', 'categorical', 50), column('y', 'number', 30)], 'y', 50)).toThrow(
      expect.objectContaining({ code: 'no_usable_features', status: 422 }),
    );
  });
});
