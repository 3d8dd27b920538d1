/**
 * The console: a small single-page app over the public API (hash routes, so the server serves
 * one page). Pages: datasets, training jobs (live curves from the job's event stream), models
 * and versions (evaluation, aliases, comparison) and a prediction playground.
 */
import { ApiError, api, apiKey, enc, followEvents } from './api.ts';
import { lineChart } from './charts.ts';
import { announce, append, bars, clear, errorBox, fmt, h, histogramBars, pagedTable } from './dom.ts';
import { comparePage, modelPage, modelsPage, versionPage } from './models.ts';
import { cursorList, metricsTable, title } from './ui.ts';
import { playgroundPage } from './playground.ts';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
let cleanup: (() => void) | undefined;

interface DatasetSummary {
  id: string;
  name: string;
  version: number;
  rowCount: number;
  columnCount: number;
  format: string;
  createdAt: string;
}
interface ColumnProfile {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  distinctApproximate: boolean;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  std?: number | null;
  topValues?: { value: string; count: number }[];
  histogram?: { edges: number[]; counts: number[] };
}
interface EpochEvent {
  epoch: number;
  loss: number | null;
  valLoss: number | null;
  metrics: Record<string, number>;
}
export interface Job {
  id: string;
  status: string;
  modelName: string;
  datasetId: string | null;
  task: string;
  target: string;
  metrics: Record<string, unknown> | null;
  result: { model: string; version: number } | null;
  error: { code: string; message: string } | null;
  progress: { epochs: (EpochEvent & { valLoss?: number })[]; totalEpochs?: number };
  createdAt: string;
}

function signIn() {
  nav.hidden = true;
  document.title = 'Sign in · maas console';
  const input = h('input', {
    id: 'api-key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const message = h('p', { role: 'alert', class: 'error' });
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h(
      'p',
      {},
      'Sign in with a project API key. It is kept in this tab only (session storage) and sent to this service only.',
    ),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apiKey.set(input.value.trim());
    api('GET', '/v1/datasets?limit=1')
      .then(() => {
        location.hash = '#/datasets';
        route();
      })
      .catch((error: unknown) => {
        apiKey.clear();
        message.textContent =
          error instanceof ApiError && error.status === 401
            ? 'That API key is not valid.'
            : String((error as Error).message);
      });
  });
  main.replaceChildren(form);
  input.focus();
}

function datasetsPage() {
  main.replaceChildren(
    title('Datasets'),
    cursorList<DatasetSummary>(
      (cursor) => `/v1/datasets?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      (items) =>
        pagedTable(
          'Datasets',
          items,
          [
            { label: 'Name', cell: (d) => h('a', { href: `#/datasets/${d.id}` }, d.name) },
            { label: 'Version', cell: (d) => d.version, numeric: true },
            { label: 'Rows', cell: (d) => d.rowCount, numeric: true },
            { label: 'Columns', cell: (d) => d.columnCount, numeric: true },
            { label: 'Format', cell: (d) => d.format },
            { label: 'Uploaded', cell: (d) => new Date(d.createdAt).toLocaleString() },
          ],
          { pageSize: 50 },
        ),
      'No datasets yet: upload one with POST /v1/datasets.',
    ),
  );
}

async function datasetPage(id: string) {
  const dataset = await api<DatasetSummary & { columns: ColumnProfile[] }>('GET', `/v1/datasets/${enc(id)}`);
  const detail = h('section', { class: 'column-detail', 'aria-live': 'polite', 'aria-label': 'Column detail' });
  const show = (column: ColumnProfile) => {
    clear(detail);
    append(detail, h('h2', {}, `Column ${column.name}`));
    const stats = h('dl', { class: 'stats' });
    for (const [name, value] of [
      ['Type', column.type],
      ['Missing', `${column.missing} (${((column.missing / Math.max(1, dataset.rowCount)) * 100).toFixed(1)}%)`],
      ['Distinct', `${column.distinct}${column.distinctApproximate ? ' (approximate)' : ''}`],
      ['Min', column.min],
      ['Max', column.max],
      ['Mean', column.mean],
      ['Std', column.std],
    ] as [string, unknown][])
      if (value !== undefined) append(stats, h('dt', {}, name), h('dd', {}, fmt(value)));
    detail.appendChild(stats);
    if (column.histogram) detail.appendChild(histogramBars('Histogram (count per bin)', column.histogram));
    if (column.topValues?.length) {
      const values = column.topValues;
      detail.appendChild(
        bars(
          'Most frequent values (count)',
          values.map((v) => ({ name: v.value, value: v.count })),
        ),
      );
    }
    detail.querySelector('h2')?.setAttribute('tabindex', '-1');
    (detail.querySelector('h2') as HTMLElement | null)?.focus();
  };
  main.replaceChildren(
    title(
      dataset.name,
      h(
        'p',
        { class: 'meta' },
        `version ${dataset.version} · ${dataset.rowCount} rows · ${dataset.columns.length} columns · ${dataset.format}`,
      ),
    ),
    pagedTable(
      'Columns',
      dataset.columns,
      [
        {
          label: 'Column',
          cell: (c) => h('button', { type: 'button', class: 'link', onclick: () => show(c) }, c.name),
        },
        { label: 'Type', cell: (c) => c.type },
        {
          label: 'Missing',
          cell: (c) => `${((c.missing / Math.max(1, dataset.rowCount)) * 100).toFixed(1)}%`,
          numeric: true,
        },
        { label: 'Distinct', cell: (c) => `${c.distinctApproximate ? '≈' : ''}${c.distinct}`, numeric: true },
        {
          label: 'Summary',
          cell: (c) =>
            c.mean !== undefined && c.mean !== null
              ? `mean ${fmt(c.mean)} · ${fmt(c.min)} to ${fmt(c.max)}`
              : (c.topValues ?? [])
                  .slice(0, 3)
                  .map((v) => `${v.value} (${v.count})`)
                  .join(', '),
        },
      ],
      { pageSize: 25, filter: (c) => `${c.name} ${c.type}` },
    ),
    detail,
  );
}

function jobsPage() {
  main.replaceChildren(
    title('Training jobs'),
    cursorList<Job & { progress: { epochsCompleted: number; totalEpochs?: number } }>(
      (cursor) => `/v1/training-jobs?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      (items) =>
        pagedTable(
          'Training jobs',
          items,
          [
            { label: 'Job', cell: (j) => h('a', { href: `#/jobs/${j.id}` }, j.id.slice(0, 8)) },
            { label: 'Model', cell: (j) => j.modelName },
            { label: 'Status', cell: (j) => h('span', { class: `badge ${j.status}` }, j.status) },
            {
              label: 'Epochs',
              cell: (j) => `${j.progress.epochsCompleted}/${j.progress.totalEpochs ?? '?'}`,
              numeric: true,
            },
            {
              label: 'Version',
              cell: (j) =>
                j.result
                  ? h(
                      'a',
                      { href: `#/models/${enc(j.result.model)}/versions/${j.result.version}` },
                      `v${j.result.version}`,
                    )
                  : '—',
            },
            { label: 'Created', cell: (j) => new Date(j.createdAt).toLocaleString() },
          ],
          { pageSize: 50 },
        ),
      'No training jobs yet.',
    ),
  );
}

async function jobPage(id: string) {
  const job = await api<Job>('GET', `/v1/training-jobs/${enc(id)}`);
  const epochs: EpochEvent[] = [];
  const status = h('span', { class: `badge ${job.status}`, id: 'job-status' }, job.status);
  const counter = h('span', { id: 'epoch-count' }, '0');
  const cancel = h('button', { type: 'button', id: 'cancel-job' }, 'Cancel job');
  const result = h('div', { class: 'job-result' });
  const chart = lineChart(
    'Loss per epoch',
    'epoch',
    [],
    [
      { label: 'loss', values: [] },
      { label: 'validation loss', values: [] },
    ],
    { id: 'loss' },
  );
  const metricsHolder = h('div');
  let metricChart: ReturnType<typeof lineChart> | undefined;
  const redraw = () => {
    const x = epochs.map((e) => e.epoch);
    chart.update(x, [
      { label: 'loss', values: epochs.map((e) => e.loss) },
      { label: 'validation loss', values: epochs.map((e) => e.valLoss) },
    ]);
    const names = [...new Set(epochs.flatMap((e) => Object.keys(e.metrics ?? {})))];
    if (names.length) {
      const series = names.map((name) => ({ label: name, values: epochs.map((e) => e.metrics?.[name] ?? null) }));
      if (!metricChart) {
        metricChart = lineChart('Metrics per epoch', 'epoch', x, series, { id: 'metrics' });
        metricsHolder.appendChild(metricChart.element);
      }
      metricChart.update(x, series);
    }
    counter.textContent = String(epochs.length);
  };
  const showJob = (current: Job) => {
    status.textContent = current.status;
    status.className = `badge ${current.status}`;
    cancel.hidden = !['queued', 'running'].includes(current.status);
    clear(result);
    if (current.result)
      append(
        result,
        'Produced ',
        h(
          'a',
          { href: `#/models/${enc(current.result.model)}/versions/${current.result.version}` },
          `${current.result.model} v${current.result.version}`,
        ),
      );
    if (current.error) append(result, h('p', { class: 'error' }, `${current.error.code}: ${current.error.message}`));
    if (current.metrics) result.appendChild(metricsTable(current.metrics));
  };
  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    api<Job>('POST', `/v1/training-jobs/${enc(id)}/cancel`)
      .then((answer) => {
        showJob(answer);
        announce('Cancel requested');
      })
      .catch((error: unknown) => result.appendChild(errorBox(error)))
      .finally(() => (cancel.disabled = false));
  });
  showJob(job);
  main.replaceChildren(
    title(
      `Training job ${job.id.slice(0, 8)}`,
      h(
        'p',
        { class: 'meta' },
        `model ${job.modelName} · target ${job.target} · ${job.task} · `,
        status,
        ' · epochs ',
        counter,
        `/${job.progress.totalEpochs ?? '?'}`,
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      cancel,
      job.datasetId ? h('a', { href: `#/datasets/${job.datasetId}` }, 'Dataset') : null,
    ),
    h('div', { class: 'charts' }, chart.element, metricsHolder),
    result,
  );
  const stream = followEvents(`/v1/training-jobs/${enc(id)}/events`, (event) => {
    if (event.event === 'epoch') {
      const epoch = event.data as EpochEvent;
      // A run resumed from a checkpoint repeats epochs: the latest values replace the old.
      const at = epochs.findIndex((e) => e.epoch >= epoch.epoch);
      if (at >= 0) epochs.splice(at);
      epochs.push(epoch);
      redraw();
    } else {
      showJob(event.data as Job);
      if (event.event === 'end') announce(`Job ${(event.data as Job).status}`);
    }
  });
  cleanup = () => stream.stop();
}

async function route() {
  cleanup?.();
  cleanup = undefined;
  if (!apiKey.get()) return signIn();
  nav.hidden = false;
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  for (const link of nav.querySelectorAll('a'))
    link.toggleAttribute('aria-current', location.hash.startsWith(link.getAttribute('href') ?? '#none'));
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const [section, id, sub, version] = parts;
    if (section === 'datasets' && id) await datasetPage(id);
    else if (section === 'jobs' && id) await jobPage(id);
    else if (section === 'jobs') jobsPage();
    else if (section === 'models' && id && sub === 'versions' && version) await versionPage(main, id, Number(version));
    else if (section === 'models' && id && sub === 'compare') await comparePage(main, id, params.get('versions') ?? '');
    else if (section === 'models' && id) await modelPage(main, id);
    else if (section === 'models') modelsPage(main);
    else if (section === 'playground') await playgroundPage(main, params.get('model'), params.get('version'));
    else datasetsPage();
  } catch (error) {
    main.replaceChildren(errorBox(error));
  }
  main.focus({ preventScroll: true });
}

// The skip link's #main would be read as a route: it moves focus to the content instead.
document.querySelector('a.skip')!.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
document.getElementById('sign-out')!.addEventListener('click', () => {
  apiKey.clear();
  location.hash = '';
  void route();
});
window.addEventListener('maas:unauthorized', () => {
  apiKey.clear();
  signIn();
});
window.addEventListener('hashchange', () => void route());
void route();
