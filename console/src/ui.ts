/** Pieces every page uses: its heading, lists over the API's cursors, a metrics table. */
import { api } from './api.ts';
import { errorBox, fmt, h } from './dom.ts';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export function title(text: string, ...rest: (Node | string)[]) {
  document.title = `${text} · maas console`;
  return h('div', { class: 'page-head' }, h('h1', {}, text), ...rest);
}

/**
 * One page of a list at a time, over the API's cursors (Previous / Next): 10,000 versions are
 * 200 pages the browser never holds at once.
 */
export function cursorList<T>(
  path: (cursor: string | null) => string,
  render: (items: T[]) => HTMLElement,
  empty: string,
): HTMLElement {
  const holder = h('div', { class: 'cursor-list' });
  const cursors: (string | null)[] = [null];
  let at = 0;
  const load = async () => {
    try {
      const page = await api<Page<T>>('GET', path(cursors[at] ?? null));
      const prev = h('button', { type: 'button', disabled: at === 0 }, 'Previous page');
      const next = h('button', { type: 'button', disabled: !page.nextCursor }, 'Next page');
      prev.addEventListener('click', () => {
        at -= 1;
        void load();
      });
      next.addEventListener('click', () => {
        cursors[at + 1] = page.nextCursor;
        at += 1;
        void load();
      });
      holder.replaceChildren(
        !page.items.length && at === 0 ? h('p', { class: 'empty' }, empty) : render(page.items),
        at > 0 || page.nextCursor ? h('div', { class: 'pager' }, prev, h('span', {}, `Page ${at + 1}`), next) : '',
      );
    } catch (error) {
      holder.replaceChildren(errorBox(error));
    }
  };
  void load();
  return holder;
}

export function metricsTable(metrics: Record<string, unknown>): HTMLElement {
  // Scalars, and one level of named scalars (macro and weighted averages): `macro precision`.
  const rows: [string, unknown][] = [];
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number' || typeof value === 'string') rows.push([name, value]);
    else if (value && typeof value === 'object' && !Array.isArray(value) && name !== 'confusionMatrix')
      for (const [inner, scalar] of Object.entries(value as Record<string, unknown>))
        if (typeof scalar === 'number') rows.push([`${name} ${inner}`, scalar]);
  }
  return h(
    'table',
    { class: 'metrics' },
    h('caption', {}, 'Metrics'),
    h(
      'tbody',
      {},
      ...rows.map(([name, value]) =>
        h('tr', {}, h('th', { scope: 'row' }, name), h('td', { class: 'num' }, fmt(value))),
      ),
    ),
  );
}
