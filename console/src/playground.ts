import { ApiError, api, enc } from './api.ts';
import { append, bars, clear, errorBox, fmt, h } from './dom.ts';
import { title } from './ui.ts';
import type { Version } from './models.ts';

interface Explanation {
  prediction: unknown;
  explained: { output: string; label?: string; value: number };
  baseline: number;
  attributions?: { column: string; attribution: number }[];
  heatmap?: { width: number; height: number; png: string };
  tokens?: { token: string; attribution: number }[];
}

/**
 * Predictions by hand: a form generated from the version's input schema (an image upload for
 * image models, a text box for text models), the answer, and its explanation where the
 * service offers one (`:explain`).
 */
export async function playgroundPage(main: HTMLElement, model: string | null, version: string | null) {
  const models = await api<{ items: { name: string; latestVersion: number }[] }>('GET', '/v1/models?limit=200');
  const modelSelect = h(
    'select',
    { id: 'pg-model' },
    ...models.items.map((m) => h('option', { value: m.name, selected: m.name === model }, m.name)),
  );
  const chosen = models.items.find((m) => m.name === (model ?? models.items[0]?.name));
  const versionInput = h('input', {
    id: 'pg-version',
    type: 'number',
    min: 1,
    value: version ?? chosen?.latestVersion ?? 1,
  });
  const load = h('button', { type: 'submit' }, 'Load version');
  const picker = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Choose a model version' },
    h('label', { for: 'pg-model' }, 'Model'),
    modelSelect,
    h('label', { for: 'pg-version' }, 'Version'),
    versionInput,
    load,
  );
  picker.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/playground?model=${enc(modelSelect.value)}&version=${enc(versionInput.value)}`;
  });
  main.replaceChildren(title('Prediction playground'), picker);
  if (!models.items.length) return main.appendChild(h('p', { class: 'empty' }, 'No models yet.'));
  if (!model || !version) return;
  const v = await api<Version>('GET', `/v1/models/${enc(model)}/versions/${enc(version)}`);
  // A navigation while the version loaded has drawn its own page: this one's form is not wanted.
  if (!picker.isConnected) return;
  main.appendChild(playgroundForm(model, v));
}

function playgroundForm(model: string, version: Version): HTMLElement {
  const kind = version.preprocessing?.kind ?? 'tabular';
  const fields = h('div', { class: 'fields' });
  let read: () => Promise<unknown>;
  if (kind === 'image') {
    const file = h('input', { id: 'pg-image', type: 'file', accept: 'image/png,image/jpeg', required: true });
    append(fields, h('label', { for: 'pg-image' }, 'Image (PNG or JPEG)'), file);
    read = async () => {
      const chosen = file.files?.[0];
      if (!chosen) throw new Error('Choose an image first.');
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return { b64: btoa(binary) };
    };
  } else if (kind === 'text') {
    const text = h('textarea', { id: 'pg-text', rows: 4, required: true });
    append(fields, h('label', { for: 'pg-text' }, 'Text'), text);
    read = async () => text.value;
  } else {
    const inputs = (version.inputSchema?.features ?? []).map((feature) => {
      const id = `pg-f-${feature.name.replace(/[^\w-]/g, '_')}`;
      const input =
        feature.type === 'categorical'
          ? h(
              'select',
              { id },
              h('option', { value: '' }, '(missing)'),
              ...(feature.categories ?? []).map((c) => h('option', { value: c }, c)),
            )
          : feature.type === 'boolean'
            ? h(
                'select',
                { id },
                h('option', { value: '' }, '(missing)'),
                h('option', { value: 'true' }, 'true'),
                h('option', { value: 'false' }, 'false'),
              )
            : h('input', { id, type: 'number', step: 'any', inputmode: 'decimal' });
      fields.appendChild(
        h('div', { class: 'field' }, h('label', { for: id }, `${feature.name} (${feature.type})`), input),
      );
      return { feature, input };
    });
    read = async () => {
      const instance: Record<string, unknown> = {};
      for (const { feature, input } of inputs) {
        const value = input.value;
        if (value === '') instance[feature.name] = null;
        else if (feature.type === 'number' || feature.type === 'integer') instance[feature.name] = Number(value);
        else if (feature.type === 'boolean') instance[feature.name] = value === 'true';
        else instance[feature.name] = value;
      }
      return instance;
    };
  }
  const output = h('section', {
    class: 'prediction',
    'aria-live': 'polite',
    'aria-label': 'Prediction',
    id: 'pg-output',
  });
  const explainOutput = h('section', {
    class: 'explanation',
    'aria-live': 'polite',
    'aria-label': 'Explanation',
    id: 'pg-explanation',
  });
  const explain = h('button', { type: 'button', id: 'pg-explain' }, 'Explain');
  const form = h(
    'form',
    { class: 'playground', 'aria-label': `Predict with ${model} v${version.version}` },
    h('h2', {}, `${model} v${version.version} (${kind})`),
    fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'pg-predict' }, 'Predict'), explain),
  );
  const base = `/v1/models/${enc(model)}/versions/${version.version}`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clear(output);
      try {
        const answer = await api<{ predictions: unknown[] }>('POST', `${base}:predict`, { instances: [await read()] });
        showPrediction(output, answer.predictions[0]);
      } catch (error) {
        output.appendChild(errorBox(error));
      }
    })();
  });
  explain.addEventListener('click', () => {
    void (async () => {
      clear(explainOutput);
      try {
        const answer = await api<{ method: string; explanations: Explanation[] }>('POST', `${base}:explain`, {
          instances: [await read()],
        });
        const first = answer.explanations[0];
        if (first) showExplanation(explainOutput, answer.method, first);
      } catch (error) {
        explainOutput.appendChild(
          error instanceof ApiError && error.status === 404 && error.code === 'route_not_found'
            ? h('p', { class: 'empty' }, 'This service does not offer explanations.')
            : errorBox(error),
        );
      }
    })();
  });
  return h('div', {}, form, output, explainOutput);
}

function showPrediction(holder: HTMLElement, prediction: unknown) {
  const p = prediction as { label?: unknown; value?: unknown; probabilities?: Record<string, number> } | undefined;
  append(holder, h('h2', {}, 'Prediction'));
  if (p && typeof p === 'object' && 'label' in p)
    append(holder, h('p', { class: 'answer', id: 'pg-label' }, `Label: ${fmt(p.label)}`));
  else if (p && typeof p === 'object' && 'value' in p)
    append(holder, h('p', { class: 'answer', id: 'pg-label' }, `Value: ${fmt(p.value)}`));
  if (p?.probabilities && typeof p.probabilities === 'object')
    holder.appendChild(
      bars(
        'Probabilities',
        Object.entries(p.probabilities).map(([name, value]) => ({ name, value })),
      ),
    );
  holder.appendChild(
    h('details', {}, h('summary', {}, 'Raw answer'), h('pre', {}, JSON.stringify(prediction, null, 2))),
  );
}

function showExplanation(holder: HTMLElement, method: string, explanation: Explanation) {
  append(
    holder,
    h('h2', {}, 'Explanation'),
    h(
      'p',
      {},
      `${method}: ${explanation.explained.output}${explanation.explained.label ? ` of ${explanation.explained.label}` : ''} ${fmt(explanation.explained.value)} = baseline ${fmt(explanation.baseline)} + attributions`,
    ),
  );
  if (explanation.attributions?.length)
    holder.appendChild(
      bars(
        'Attribution per column',
        explanation.attributions.map((a) => ({ name: a.column, value: a.attribution })),
      ),
    );
  if (explanation.tokens?.length)
    holder.appendChild(
      bars(
        'Attribution per token',
        explanation.tokens.map((t) => ({ name: t.token, value: t.attribution })),
      ),
    );
  if (explanation.heatmap)
    holder.appendChild(
      h('img', {
        class: 'heatmap-image',
        alt: 'Attribution heatmap over the image',
        src: `data:image/png;base64,${explanation.heatmap.png}`,
        width: explanation.heatmap.width * 8,
        height: explanation.heatmap.height * 8,
      }),
    );
}
