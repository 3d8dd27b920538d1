/** Building the page from elements and text nodes only: no HTML strings, no inline handlers. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.firstChild.remove();
}

/** Announces a change to screen readers (the page's polite live region). */
export function announce(text: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

export const fmt = (value: unknown): string => {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  numeric?: boolean;
}

/**
 * A table of many rows shown a page at a time (client side), with a filter: a 200-column
 * dataset's profile stays a short page.
 */
export function pagedTable<T>(
  caption: string,
  rows: T[],
  columns: Column<T>[],
  opts: { pageSize?: number; filter?: (row: T) => string } = {},
): HTMLElement {
  const pageSize = opts.pageSize ?? 25;
  let page = 0;
  let query = '';
  const body = h('tbody');
  const info = h('span', { class: 'page-info', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', onclick: () => ((page -= 1), draw()) }, 'Previous');
  const next = h('button', { type: 'button', onclick: () => ((page += 1), draw()) }, 'Next');
  const draw = () => {
    const shown = query && opts.filter ? rows.filter((row) => opts.filter!(row).toLowerCase().includes(query)) : rows;
    const pages = Math.max(1, Math.ceil(shown.length / pageSize));
    page = Math.min(Math.max(0, page), pages - 1);
    clear(body);
    for (const row of shown.slice(page * pageSize, (page + 1) * pageSize))
      body.appendChild(h('tr', {}, ...columns.map((c) => h('td', c.numeric ? { class: 'num' } : {}, c.cell(row)))));
    info.textContent = `Page ${page + 1} of ${pages} (${shown.length} rows)`;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  const filterId = `filter-${Math.random().toString(36).slice(2)}`;
  const filter = opts.filter
    ? h(
        'div',
        { class: 'filter' },
        h('label', { for: filterId }, `Filter ${caption.toLowerCase()}`),
        h('input', {
          id: filterId,
          type: 'search',
          oninput: (event) => {
            query = (event.target as HTMLInputElement).value.trim().toLowerCase();
            page = 0;
            draw();
          },
        }),
      )
    : null;
  draw();
  return h(
    'div',
    { class: 'table-wrap' },
    filter,
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      body,
    ),
    rows.length > pageSize ? h('div', { class: 'pager' }, prev, info, next) : null,
  );
}

/** Horizontal bars with their values as text (importance, attributions, top values). */
export function bars(label: string, items: { name: string; value: number; error?: number }[]): HTMLElement {
  const max = Math.max(1e-12, ...items.map((item) => Math.abs(item.value)));
  return h(
    'figure',
    { class: 'bars' },
    h('figcaption', {}, label),
    h(
      'ul',
      { 'aria-label': label },
      ...items.map((item) => {
        const bar = h('span', { class: item.value < 0 ? 'bar negative' : 'bar' });
        bar.style.width = `${(Math.abs(item.value) / max) * 100}%`;
        return h(
          'li',
          {},
          h('span', { class: 'bar-name' }, item.name),
          h('span', { class: 'bar-track' }, bar),
          h('span', { class: 'bar-value' }, fmt(item.value), item.error === undefined ? '' : ` ± ${fmt(item.error)}`),
        );
      }),
    ),
  );
}

/** A histogram's bins as bars, each named by its range (dataset columns, regression residuals). */
export function histogramBars(label: string, histogram: { edges: number[]; counts: number[] }): HTMLElement {
  const figure = bars(
    label,
    histogram.counts.map((count, i) => ({
      name: `${fmt(histogram.edges[i])} to ${fmt(histogram.edges[i + 1])}`,
      value: count,
    })),
  );
  figure.dataset.chart = 'histogram';
  figure.classList.add('histogram');
  return figure;
}
