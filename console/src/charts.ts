import uPlot from 'uplot';
import { fmt, h } from './dom.ts';

const COLORS = ['#1f5fbf', '#b3261e', '#1b7f3b', '#8a4baf', '#b35c00', '#00748a', '#6b6b00', '#a3174f'];

export interface Series {
  label: string;
  /** y values aligned with the chart's x values; null for a gap. */
  values: (number | null)[];
}

/**
 * A line chart (uPlot) in a labelled figure, with the data also as a table for screen readers.
 * `update` replaces the data in place (live training curves grow without re-creating it).
 */
export function lineChart(
  title: string,
  xLabel: string,
  x: number[],
  series: Series[],
  opts: { yLabel?: string; id?: string; width?: number; height?: number } = {},
) {
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': title, 'data-chart': opts.id ?? title });
  const plot = new uPlot(
    {
      title,
      width: opts.width ?? 520,
      height: opts.height ?? 260,
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: opts.yLabel ?? '' }],
      series: [
        { label: xLabel },
        ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true })),
      ],
    },
    [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
    holder,
  );
  if (x.length) holder.dataset.points = String(x.length);
  const figure = h('figure', { class: 'chart-figure' }, holder, h('figcaption', { class: 'visually-hidden' }, title));
  return {
    element: figure,
    update(nextX: number[], nextSeries: Series[]) {
      plot.setData([nextX, ...nextSeries.map((s) => s.values)] as uPlot.AlignedData);
      holder.dataset.points = String(nextX.length);
    },
  };
}

/** Curves whose points each carry their own x (ROC, PR, calibration): one chart over the union of xs. */
export function curveChart(
  title: string,
  xLabel: string,
  yLabel: string,
  curves: { label: string; points: [number, number][] }[],
  id: string,
) {
  const xs = [...new Set(curves.flatMap((c) => c.points.map((p) => p[0])))].sort((a, b) => a - b);
  const series = curves.map((curve) => {
    const at = new Map(curve.points.map(([px, py]) => [px, py]));
    return { label: curve.label, values: xs.map((value) => at.get(value) ?? null) };
  });
  const chart = lineChart(title, xLabel, xs, series, { yLabel, id });
  chart.update(xs, series);
  return chart.element;
}

/**
 * Points without lines (predicted against actual), with the diagonal y = x drawn as the
 * reference a perfect model would lie on.
 */
export function scatterChart(title: string, xLabel: string, yLabel: string, points: [number, number][], id: string) {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const xs = sorted.map((p) => p[0]);
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': title, 'data-chart': id });
  holder.dataset.points = String(points.length);
  new uPlot(
    {
      title,
      width: 520,
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: yLabel }],
      series: [
        { label: xLabel },
        { label: yLabel, stroke: COLORS[0], paths: () => null, points: { show: true, size: 4, fill: COLORS[0] } },
        { label: 'y = x', stroke: '#6b6b6b', width: 1, dash: [4, 4], points: { show: false } },
      ],
    },
    [xs, sorted.map((p) => p[1]), xs] as uPlot.AlignedData,
    holder,
  );
  return h('figure', { class: 'chart-figure' }, holder, h('figcaption', { class: 'visually-hidden' }, title));
}

/** The confusion matrix as a table whose cells are shaded by their share of the row (actual class). */
export function confusionHeatmap(labels: string[], counts: number[][]): HTMLElement {
  return h(
    'table',
    { class: 'heatmap', 'data-chart': 'confusion-matrix' },
    h('caption', {}, 'Confusion matrix (rows: actual, columns: predicted)'),
    h('thead', {}, h('tr', {}, h('td', {}), ...labels.map((label) => h('th', { scope: 'col' }, label)))),
    h(
      'tbody',
      {},
      ...counts.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, labels[i] ?? String(i)),
          ...row.map((count) => {
            const share = count / total;
            const cell = h(
              'td',
              { class: share > 0.55 ? 'num dark' : 'num', title: `${(share * 100).toFixed(1)}% of the row` },
              fmt(count),
            );
            cell.style.backgroundColor = `rgba(31, 95, 191, ${share.toFixed(3)})`;
            return cell;
          }),
        );
      }),
    ),
  );
}
