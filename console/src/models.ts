import { api, apiMaybe, enc } from './api.ts';
import { confusionHeatmap, curveChart, lineChart, scatterChart } from './charts.ts';
import { announce, append, bars, clear, errorBox, fmt, h, histogramBars, pagedTable } from './dom.ts';
import { cursorList, metricsTable, title } from './ui.ts';

interface Model {
  name: string;
  task: string;
  latestVersion: number;
  aliases: Record<string, number>;
  updatedAt: string;
}
export interface Version {
  model: string;
  version: number;
  task: string;
  modelType: string;
  aliases: string[];
  metrics: Record<string, unknown>;
  hyperparameters: Record<string, unknown>;
  inputSchema?: { features: { name: string; type: string; categories?: string[] }[] };
  outputSchema?: { task: string; target: string; labels?: unknown[] };
  preprocessing?: { kind?: string } | null;
  lineage: { datasetId: string; datasetName: string | null; datasetVersion: number | null; trainingJobId: string };
  createdAt: string;
}
/** GET .../evaluation, as the contract between the console and the evaluation work spells it. */
interface Evaluation {
  task: string;
  labels: string[] | null;
  confusionMatrix: { labels: string[]; counts: number[][] } | null;
  roc: { label: string; auc: number; points: [number, number][] }[] | null;
  precisionRecall: { label: string; averagePrecision: number; points: [number, number][] }[] | null;
  calibration: { label: string; bins: { meanPredicted: number; fractionPositive: number; count: number }[] }[] | null;
  history: { epochs: number[]; loss: number[]; valLoss: number[] | null; metrics: Record<string, number[]> } | null;
  residuals: { histogram: { edges: number[]; counts: number[] }; points: [number, number][] } | null;
  importance: {
    method: string;
    metric: string;
    repeats: number;
    columns: { column: string; mean: number; std: number }[];
  } | null;
}

export function modelsPage(main: HTMLElement) {
  main.replaceChildren(
    title('Models'),
    cursorList<Model>(
      (cursor) => `/v1/models?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      (items) =>
        pagedTable(
          'Models',
          items,
          [
            { label: 'Name', cell: (m) => h('a', { href: `#/models/${enc(m.name)}` }, m.name) },
            { label: 'Task', cell: (m) => m.task },
            { label: 'Latest version', cell: (m) => m.latestVersion, numeric: true },
            {
              label: 'Aliases',
              cell: (m) =>
                Object.entries(m.aliases)
                  .map(([a, v]) => `${a} → v${v}`)
                  .join(', ') || '—',
            },
            { label: 'Updated', cell: (m) => new Date(m.updatedAt).toLocaleString() },
          ],
          { pageSize: 50 },
        ),
      'No models yet: train one with POST /v1/training-jobs.',
    ),
  );
}

export async function modelPage(main: HTMLElement, name: string) {
  const model = await api<Model>('GET', `/v1/models/${enc(name)}`);
  const selected = new Set<number>();
  const compare = h(
    'a',
    { href: '#', class: 'button', 'aria-disabled': 'true', id: 'compare-link' },
    'Compare selected',
  );
  const updateCompare = () => {
    const list = [...selected].sort((a, b) => a - b);
    compare.setAttribute('href', `#/models/${enc(name)}/compare?versions=${list.join(',')}`);
    compare.setAttribute('aria-disabled', String(list.length < 2));
    // Out of the tab order until two versions are chosen.
    compare.tabIndex = list.length < 2 ? -1 : 0;
  };
  const versions = cursorList<Version>(
    (cursor) => `/v1/models/${enc(name)}/versions?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    (items) =>
      pagedTable(
        `Versions of ${name}`,
        items,
        [
          {
            label: 'Compare',
            cell: (v) =>
              h('input', {
                type: 'checkbox',
                'aria-label': `Select version ${v.version} for comparison`,
                onchange: (event) => {
                  if ((event.target as HTMLInputElement).checked) selected.add(v.version);
                  else selected.delete(v.version);
                  updateCompare();
                },
              }),
          },
          {
            label: 'Version',
            cell: (v) => h('a', { href: `#/models/${enc(name)}/versions/${v.version}` }, `v${v.version}`),
          },
          { label: 'Type', cell: (v) => v.modelType },
          { label: 'Main metric', cell: (v) => mainMetric(v.metrics), numeric: true },
          { label: 'Aliases', cell: (v) => v.aliases.join(', ') || '—' },
          { label: 'Created', cell: (v) => new Date(v.createdAt).toLocaleString() },
        ],
        { pageSize: 50 },
      ),
    'No versions.',
  );
  main.replaceChildren(
    title(model.name, h('p', { class: 'meta' }, `${model.task} · latest v${model.latestVersion}`)),
    aliasPanel(name, model.aliases, model.latestVersion),
    h(
      'section',
      { 'aria-labelledby': 'versions-title' },
      h('h2', { id: 'versions-title' }, 'Versions'),
      h('div', { class: 'actions' }, compare),
      versions,
    ),
    alertsPanel(name),
  );
}

interface DriftAlert {
  id: string;
  version: number;
  feature: string;
  statistic: string;
  value: number;
  threshold: number;
  samples: number;
  createdAt: string;
}

/** Drift and skew alerts of the model's monitored versions, newest first. */
function alertsPanel(name: string): HTMLElement {
  const holder = h('div');
  api<{ items: DriftAlert[] }>('GET', `/v1/models/${enc(name)}/alerts?limit=500`)
    .then(({ items }) =>
      holder.replaceChildren(
        items.length === 0
          ? h('p', { class: 'empty' }, 'No drift alerts: monitored versions see the data they were trained on.')
          : pagedTable(
              `Drift alerts of ${name}`,
              items,
              [
                { label: 'When', cell: (a) => new Date(a.createdAt).toLocaleString() },
                {
                  label: 'Version',
                  cell: (a) => h('a', { href: `#/models/${enc(name)}/versions/${a.version}` }, `v${a.version}`),
                },
                { label: 'Feature', cell: (a) => a.feature },
                { label: 'Statistic', cell: (a) => a.statistic },
                { label: 'Value', cell: (a) => fmt(a.value), numeric: true },
                { label: 'Threshold', cell: (a) => fmt(a.threshold), numeric: true },
                { label: 'Samples', cell: (a) => String(a.samples), numeric: true },
              ],
              { pageSize: 20, filter: (a) => `${a.feature} ${a.statistic}` },
            ),
      ),
    )
    .catch((error: unknown) => holder.replaceChildren(errorBox(error)));
  return h(
    'section',
    { 'aria-labelledby': 'alerts-title', id: 'alerts' },
    h('h2', { id: 'alerts-title' }, 'Drift alerts'),
    holder,
  );
}

function mainMetric(metrics: Record<string, unknown>): string {
  for (const name of ['accuracy', 'rmse', 'mae', 'r2', 'mape'])
    if (typeof metrics[name] === 'number') return `${name} ${fmt(metrics[name])}`;
  return '—';
}

/** Aliases with their history: promote (point an alias at a version) and roll back. */
function aliasPanel(name: string, aliases: Record<string, number>, latest: number): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'aliases-title', class: 'aliases' });
  const list = h('div');
  const draw = async () => {
    clear(list);
    const entries = Object.entries(aliases);
    if (!entries.length) list.appendChild(h('p', { class: 'empty' }, 'No aliases yet.'));
    for (const [alias, version] of entries) {
      const history = h('ol', { class: 'history', 'aria-label': `History of ${alias}` });
      const rollback = h('button', { type: 'button' }, `Roll back ${alias}`);
      rollback.addEventListener('click', () => {
        api<{ version: number | null }>('POST', `/v1/models/${enc(name)}/aliases/${enc(alias)}/rollback`)
          .then((move) => {
            if (move.version === null) delete aliases[alias];
            else aliases[alias] = move.version;
            announce(`${alias} rolled back`);
            void draw();
          })
          .catch((error: unknown) => list.appendChild(errorBox(error)));
      });
      list.appendChild(
        h(
          'div',
          { class: 'alias', 'data-alias': alias },
          h('h3', {}, `${alias} → `, h('a', { href: `#/models/${enc(name)}/versions/${version}` }, `v${version}`)),
          rollback,
          history,
        ),
      );
      api<{ items: { fromVersion: number | null; toVersion: number | null; at: string }[] }>(
        'GET',
        `/v1/models/${enc(name)}/aliases/${enc(alias)}/history`,
      )
        .then(({ items }) =>
          append(
            history,
            ...items
              .slice(0, 20)
              .map((e) =>
                h(
                  'li',
                  {},
                  `${new Date(e.at).toLocaleString()}: ${e.fromVersion === null ? 'none' : `v${e.fromVersion}`} → ${e.toVersion === null ? 'none' : `v${e.toVersion}`}`,
                ),
              ),
          ),
        )
        .catch(() => undefined);
    }
  };
  const aliasInput = h('input', {
    id: 'alias-name',
    required: true,
    pattern: '[a-z][a-z0-9_-]{0,49}',
    value: 'production',
  });
  const versionInput = h('input', { id: 'alias-version', type: 'number', min: 1, required: true, value: latest });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Promote a version' },
    h('label', { for: 'alias-name' }, 'Alias'),
    aliasInput,
    h('label', { for: 'alias-version' }, 'Version'),
    versionInput,
    h('button', { type: 'submit' }, 'Promote'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const alias = aliasInput.value.trim();
    api<{ version: number }>('PUT', `/v1/models/${enc(name)}/aliases/${enc(alias)}`, {
      version: Number(versionInput.value),
    })
      .then((move) => {
        aliases[alias] = move.version;
        announce(`${alias} now points at v${move.version}`);
        void draw();
      })
      .catch((error: unknown) => list.appendChild(errorBox(error)));
  });
  append(section, h('h2', { id: 'aliases-title' }, 'Aliases'), form, list);
  void draw();
  return section;
}

export async function versionPage(main: HTMLElement, name: string, number: number) {
  const version = await api<Version>('GET', `/v1/models/${enc(name)}/versions/${number}`);
  const evaluation = await apiMaybe<Evaluation>(`/v1/models/${enc(name)}/versions/${number}/evaluation`);
  const lineage = version.lineage;
  main.replaceChildren(
    title(
      `${name} v${number}`,
      h(
        'p',
        { class: 'meta' },
        `${version.task} · ${version.modelType} · ${version.aliases.length ? `aliases: ${version.aliases.join(', ')}` : 'no alias'}`,
      ),
    ),
    h(
      'nav',
      { class: 'lineage', 'aria-label': 'Lineage' },
      'Trained on ',
      h(
        'a',
        { href: `#/datasets/${lineage.datasetId}` },
        `${lineage.datasetName ?? lineage.datasetId} v${lineage.datasetVersion ?? '?'}`,
      ),
      ' by ',
      h('a', { href: `#/jobs/${lineage.trainingJobId}` }, `job ${lineage.trainingJobId.slice(0, 8)}`),
      ' · ',
      h('a', { href: `#/playground?model=${enc(name)}&version=${number}` }, 'Open in the playground'),
    ),
    metricsTable(version.metrics),
    perClassTable(version.metrics.perClass) ?? '',
    evaluationView(version, evaluation.status === 200 ? evaluation.body : null),
    h(
      'details',
      {},
      h('summary', {}, 'Hyperparameters'),
      h('pre', {}, JSON.stringify(version.hyperparameters, null, 2)),
    ),
  );
}

/** Classification metrics per class (precision, recall, F1, support), when the version has them. */
function perClassTable(perClass: unknown): HTMLElement | null {
  if (!Array.isArray(perClass) || !perClass.length) return null;
  const rows = perClass as Record<string, unknown>[];
  const keys = Object.keys(rows[0]!).filter((key) => key !== 'label');
  return pagedTable('Per class', rows, [
    { label: 'Class', cell: (row) => fmt(row.label) },
    ...keys.map((key) => ({ label: key, cell: (row: Record<string, unknown>) => fmt(row[key]), numeric: true })),
  ]);
}

/** Whatever of the evaluation the version has; an empty state for what it has not. */
function evaluationView(version: Version, evaluation: Evaluation | null): HTMLElement {
  const section = h(
    'section',
    { class: 'evaluation', 'aria-labelledby': 'evaluation-title' },
    h('h2', { id: 'evaluation-title' }, 'Evaluation'),
  );
  const stored = version.metrics.confusionMatrix as { labels: unknown[]; matrix: number[][] } | undefined;
  const matrix =
    evaluation?.confusionMatrix ?? (stored ? { labels: stored.labels.map(String), counts: stored.matrix } : null);
  const charts = h('div', { class: 'charts' });
  if (matrix) charts.appendChild(confusionHeatmap(matrix.labels, matrix.counts));
  if (evaluation?.roc)
    charts.appendChild(
      curveChart(
        'ROC curve',
        'false positive rate',
        'true positive rate',
        evaluation.roc.map((c) => ({ label: `${c.label} (AUC ${fmt(c.auc)})`, points: c.points })),
        'roc',
      ),
    );
  if (evaluation?.precisionRecall)
    charts.appendChild(
      curveChart(
        'Precision-recall curve',
        'recall',
        'precision',
        evaluation.precisionRecall.map((c) => ({
          label: `${c.label} (AP ${fmt(c.averagePrecision)})`,
          points: c.points,
        })),
        'precision-recall',
      ),
    );
  if (evaluation?.calibration)
    charts.appendChild(
      curveChart(
        'Calibration',
        'mean predicted probability',
        'fraction positive',
        evaluation.calibration.map((c) => ({
          label: c.label,
          points: c.bins.map((b) => [b.meanPredicted, b.fractionPositive] as [number, number]),
        })),
        'calibration',
      ),
    );
  if (evaluation?.history) {
    const history = evaluation.history;
    charts.appendChild(
      lineChart(
        'Training history',
        'epoch',
        history.epochs,
        [
          { label: 'loss', values: history.loss },
          ...(history.valLoss ? [{ label: 'validation loss', values: history.valLoss }] : []),
        ],
        { id: 'history' },
      ).element,
    );
    const names = Object.keys(history.metrics ?? {});
    if (names.length)
      charts.appendChild(
        lineChart(
          'Metrics per epoch (training and validation)',
          'epoch',
          history.epochs,
          names.map((name) => ({ label: name, values: history.metrics[name]! })),
          { id: 'history-metrics' },
        ).element,
      );
  }
  if (evaluation?.residuals) {
    const residuals = histogramBars('Residuals (count per bin)', evaluation.residuals.histogram);
    residuals.dataset.chart = 'residuals';
    charts.appendChild(residuals);
    charts.appendChild(
      scatterChart(
        'Predicted against actual (test split sample)',
        'actual',
        'predicted',
        evaluation.residuals.points,
        'predicted-vs-actual',
      ),
    );
  }
  if (evaluation?.importance)
    charts.appendChild(
      bars(
        `Permutation importance (${evaluation.importance.metric}, ${evaluation.importance.repeats} repeats)`,
        evaluation.importance.columns.map((c) => ({ name: c.column, value: c.mean, error: c.std })),
      ),
    );
  if (!charts.childElementCount)
    charts.appendChild(h('p', { class: 'empty' }, 'No evaluation curves are stored for this version.'));
  section.appendChild(charts);
  return section;
}

export async function comparePage(main: HTMLElement, name: string, versions: string) {
  const answer = await apiMaybe<{
    versions: (Version & { hyperparameters: Record<string, unknown>; dataset?: { id: string; name: string } })[];
  }>(`/v1/models/${enc(name)}/compare?versions=${enc(versions)}`);
  if (answer.status !== 200 || !answer.body) {
    main.replaceChildren(
      title(`Compare ${name}`),
      errorBox(new Error(`The comparison could not be loaded (HTTP ${answer.status}).`)),
    );
    return;
  }
  const list = answer.body.versions;
  const metricNames = [
    ...new Set(list.flatMap((v) => Object.keys(v.metrics).filter((k) => typeof v.metrics[k] === 'number'))),
  ];
  const hyperNames = [...new Set(list.flatMap((v) => Object.keys(v.hyperparameters ?? {})))];
  const row = (label: string, cell: (v: (typeof list)[number]) => unknown) =>
    h('tr', {}, h('th', { scope: 'row' }, label), ...list.map((v) => h('td', {}, fmt(cell(v)))));
  main.replaceChildren(
    title(`Compare ${name}`),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'compare' },
        h('caption', {}, `Versions ${list.map((v) => v.version).join(', ')} side by side`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('td', {}),
            ...list.map((v) =>
              h(
                'th',
                { scope: 'col' },
                h('a', { href: `#/models/${enc(name)}/versions/${v.version}` }, `v${v.version}`),
              ),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          row('Dataset', (v) => v.dataset?.name ?? v.lineage?.datasetName),
          row('Created', (v) => v.createdAt),
          ...metricNames.map((m) => row(m, (v) => v.metrics[m])),
          ...hyperNames.map((p) => row(p, (v) => v.hyperparameters[p])),
          row('Input features', (v) => v.inputSchema?.features?.map((f) => f.name).join(', ')),
        ),
      ),
    ),
  );
}
