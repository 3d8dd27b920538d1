import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { columnProfile } from '../../../test/support/column-profile.ts';
import { planDataKind, sequenceColumns } from './deep-plan.ts';

const column = (name: string, type: ColumnProfile['type']) => columnProfile(name, type, 10);
const images = [column('image', 'image'), column('label', 'categorical')];
const texts = [column('text', 'text'), column('topic', 'categorical')];
const series = [
  column('day', 'datetime'),
  column('temp', 'number'),
  column('rain', 'number'),
  column('weather', 'categorical'),
];

describe('planDataKind', () => {
  it('sends image datasets to the image path for cnn, mlp and auto, and refuses the others', () => {
    expect(planDataKind(images, 'label', 'auto')).toBe('image');
    expect(planDataKind(images, 'label', 'mlp')).toBe('image');
    expect(planDataKind(images, 'label', 'cnn')).toBe('image');
    expect(() => planDataKind(images, 'label', 'lstm')).toThrow(/cannot read images/);
    expect(() => planDataKind(images, 'label', 'logistic')).toThrow(/cannot read images/);
  });

  it('sends text to a text model for deep types and auto, and numbers to sequences', () => {
    expect(planDataKind(texts, 'topic', 'auto')).toBe('text');
    expect(planDataKind(texts, 'topic', 'transformer')).toBe('text');
    expect(planDataKind(series, 'temp', 'gru')).toBe('sequence');
    expect(planDataKind(series, 'temp', 'transformer')).toBe('sequence');
  });

  it('forecasts a numeric target alone from its own past, with any forecasting family', () => {
    const single = [column('sales', 'number')];
    for (const type of ['gru', 'lstm', 'transformer', 'mlp', 'linear', 'seasonalNaive', 'auto'])
      expect(planDataKind(single, 'sales', type)).toBe('sequence');
    // A date column beside it is no feature: still a single series.
    expect(planDataKind([column('day', 'datetime'), ...single], 'sales', 'linear')).toBe('sequence');
    expect(() => planDataKind([column('label', 'categorical')], 'label', 'gru')).toThrow(/numeric target/);
    expect(() => planDataKind([column('label', 'categorical')], 'label', 'seasonalNaive')).toThrow(
      /needs a numeric target/,
    );
  });

  it('makes linear and mlp forecasters when asked for sequence windows, leaving time and series columns out', () => {
    const sequence = { timeColumn: 'day', seriesColumn: 'store' };
    const stores = [...series, column('store', 'integer')];
    expect(planDataKind(stores, 'temp', 'linear')).toBe('tabular');
    expect(planDataKind(stores, 'temp', 'linear', undefined, sequence)).toBe('sequence');
    expect(planDataKind(stores, 'temp', 'mlp', undefined, sequence)).toBe('sequence');
    expect(sequenceColumns(stores, 'temp', undefined, sequence)).toEqual(['temp', 'rain']);
  });

  it('keeps tabular datasets tabular, even with a text column beside numeric ones', () => {
    expect(planDataKind(series, 'weather', 'auto')).toBe('tabular');
    expect(planDataKind([...series, column('note', 'text')], 'weather', 'auto')).toBe('tabular');
    expect(planDataKind(series, 'weather', 'mlp')).toBe('tabular');
  });
});
