import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { SequenceWindows } from './sequence-windows.ts';

// t: 0..9, and a column equal to 10*t, so windows are easy to read back after unscaling.
const series = Array.from({ length: 10 }, (_, t) => ({ t, ten: 10 * t, c: 5 }));

describe('SequenceWindows (forecast)', () => {
  const windows = SequenceWindows.fit(
    { mode: 'forecast', features: ['t', 'ten', 'c'], targets: ['ten'], lookback: 3, horizon: 2, stride: 2 },
    [series],
  );

  it('standardises with training statistics; a constant column scales to 0', () => {
    const { mean, std } = windows.toJSON();
    expect(mean).toEqual([4.5, 45, 5]);
    expect(std[0]).toBeCloseTo(Math.sqrt(8.25), 10);
    expect(std[2]).toBe(1);
  });

  it('cuts complete windows every `stride` rows, labelled with the next `horizon` targets', () => {
    const out = windows.forecastWindows(series);
    expect([out.count, out.timesteps, out.features]).toEqual([3, 3, 3]); // starts 0, 2, 4 (start 6 lacks room)
    expect(windows.inputShape).toEqual([3, 3]);
    expect(windows.outputSize).toBe(2);
    const unscaledT = (n: number, t: number) => out.x[(n * 3 + t) * 3]! * windows.toJSON().std[0]! + 4.5;
    expect(unscaledT(1, 0)).toBeCloseTo(2, 5);
    expect(unscaledT(2, 2)).toBeCloseTo(6, 5);
    expect(out.x[2]).toBe(0);
    expect(windows.unscaleForecast(out.y!.slice(4, 6))).toEqual([expect.closeTo(70, 4), expect.closeTo(80, 4)]);
  });

  it('gives the latest window for prediction and round-trips through JSON', () => {
    const restored = SequenceWindows.fromJSON(JSON.parse(JSON.stringify(windows)));
    const latest = restored.latestWindow(series);
    expect(latest.count).toBe(1);
    expect(Array.from(latest.x)).toEqual(
      Array.from(windows.forecastWindows(series.slice(7).concat(series.slice(0, 2))).x.slice(0, 9)),
    );
    expect(() => restored.latestWindow(series.slice(0, 2))).toThrow(/last 3 rows/);
  });

  it('validates config, rows and saved state', () => {
    expect(() =>
      SequenceWindows.fit({ mode: 'forecast', features: ['t'], targets: ['x'], lookback: 2 }, [series]),
    ).toThrow(/targets must be features/);
    expect(() => SequenceWindows.fit({ mode: 'forecast', features: ['t'], lookback: 0 }, [series])).toThrow();
    expect(() =>
      SequenceWindows.fit({ mode: 'forecast', features: ['t'], lookback: 2, extra: 1 } as never, [series]),
    ).toThrow();
    expect(() => windows.forecastWindows([{ t: 1, ten: Number.NaN, c: 1 }])).toThrow(ValidationError);
    expect(() => windows.forecastWindows(series.slice(0, 4))).toThrow(/shorter than lookback \+ horizon/);
    expect(() => SequenceWindows.fromJSON({ ...windows.toJSON(), std: [1, 0, 1] })).toThrow(ValidationError);
  });
});

describe('SequenceWindows (classify)', () => {
  it('pads short sequences and truncates long ones at the configured ends', () => {
    const sequences = [
      [{ v: 1 }, { v: 2 }],
      [{ v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }, { v: 5 }],
    ];
    const pre = SequenceWindows.fit({ mode: 'classify', features: ['v'], length: 3 }, sequences);
    const { mean, std } = pre.toJSON();
    const raw = (x: Float32Array) => Array.from(x, (v) => (v === 0 ? 0 : Math.round(v * std[0]! + mean[0]!)));
    const out = pre.classificationExamples(sequences);
    expect([out.count, out.timesteps, out.features]).toEqual([2, 3, 1]);
    expect(raw(out.x)).toEqual([0, 1, 2, 3, 4, 5]);
    const post = SequenceWindows.fit(
      { mode: 'classify', features: ['v'], length: 3, padding: 'post', truncation: 'post' },
      sequences,
    );
    expect(raw(post.classificationExamples(sequences).x)).toEqual([1, 2, 0, 1, 2, 3]);
    expect(() => post.forecastWindows(sequences[0]!)).toThrow(/forecast mode/);
  });
});
