/**
 * `:explain` latency next to `:predict` of the same input, in-process (app.inject, no HTTP):
 * one 13-feature tabular row (an MLP on a generated table, sampled Shapley and integrated
 * gradients) and one 28x28 grayscale image (a small CNN on the digits fixture brought to 28x28,
 * integrated gradients). Requests alternate predict / explain in the same rounds, so a loaded
 * machine slows both alike; the figure that carries is the ratio of the medians.
 *   Alone: `tsx bench/explain-bench.ts` (its own database and artifacts, removed at the end).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readImageArchive } from '../src/datasets/image-archive.ts';
import { SeededRandom } from '../src/ml/seeded-random.ts';
import { createBenchEnv, type BenchEnv } from './bench-env.ts';
import { median } from './predict-summary.ts';

export interface ExplainRow {
  input: string;
  method: string;
  /** Shapley samples (model evaluations: samples x (columns + 1)) or gradient steps. */
  samples: string;
  rounds: number;
  predictP50Ms: number;
  explainP50Ms: number;
}

export interface ExplainBenchResult {
  rows: ExplainRow[];
}

const FEATURES = 13;

/** A 13-column table whose label depends on a few of them. */
function table(rows: number): string {
  const random = new SeededRandom(5);
  const header = [...Array.from({ length: FEATURES }, (_, i) => `x${i + 1}`), 'label'];
  const lines = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const x = Array.from({ length: FEATURES }, () => random.next() * 2 - 1);
    lines.push([...x.map((v) => v.toFixed(4)), x[0]! + 0.5 * x[1]! - x[2]! > 0 ? 'a' : 'b'].join(','));
  }
  return lines.join('\n');
}

async function train(bench: BenchEnv, body: Buffer | string, type: string, payload: Record<string, unknown>) {
  const dataset = await bench.app.inject({
    method: 'POST',
    url: `/v1/datasets?name=${String(payload.modelName)}`,
    headers: { ...bench.auth, 'content-type': type },
    payload: body,
  });
  if (dataset.statusCode !== 201) throw new Error(`upload failed: ${dataset.body}`);
  const job = await bench.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: bench.auth,
    payload: { ...payload, datasetId: dataset.json().id },
  });
  if (job.statusCode !== 202) throw new Error(`training failed: ${job.body}`);
  for (;;) {
    const state = (
      await bench.app.inject({ method: 'GET', url: `/v1/training-jobs/${job.json().id}`, headers: bench.auth })
    ).json();
    if (state.status === 'succeeded') return;
    if (!['queued', 'running'].includes(state.status)) throw new Error(`training ${state.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Interleaved rounds of :predict and :explain of the same instance; p50 of each. */
async function rounds(
  bench: BenchEnv,
  model: string,
  instance: unknown,
  explanation: Record<string, unknown>,
  count: number,
): Promise<{ predict: number; explain: number }> {
  const call = async (verb: string, extra: object) => {
    const started = performance.now();
    const response = await bench.app.inject({
      method: 'POST',
      url: `/v1/models/${model}/versions/1:${verb}`,
      headers: bench.auth,
      payload: { instances: [instance], ...extra },
    });
    if (response.statusCode !== 200) throw new Error(`${verb} answered ${response.statusCode}: ${response.body}`);
    return performance.now() - started;
  };
  // Loads the model and compiles the kernels: not timed.
  await call('predict', {});
  await call('explain', { explanation });
  const predict: number[] = [];
  const explain: number[] = [];
  for (let i = 0; i < count; i++) {
    predict.push(await call('predict', {}));
    explain.push(await call('explain', { explanation }));
  }
  return { predict: median(predict), explain: median(explain) };
}

export async function benchExplain(bench: BenchEnv, tabularRounds = 30, imageRounds = 10): Promise<ExplainBenchResult> {
  await train(bench, table(600), 'text/csv', {
    target: 'label',
    modelName: 'explain-tabular',
    model: { type: 'mlp', hiddenLayers: [{ units: 32 }], epochs: 10, seed: 1 },
  });
  const digits = await readFile(new URL('../test/fixtures/images/digits.zip', import.meta.url));
  await train(bench, digits, 'application/zip', {
    target: 'label',
    modelName: 'explain-image',
    model: {
      type: 'cnn',
      epochs: 1,
      seed: 1,
      image: { height: 28, width: 28, channels: 1 },
      convBlocks: [{ filters: 8, kernelSize: 3 }],
      denseUnits: [32],
    },
  });
  const row = Object.fromEntries(Array.from({ length: FEATURES }, (_, i) => [`x${i + 1}`, ((i % 5) - 2) / 3]));
  const image = { b64: Buffer.from((await readImageArchive(digits)).images[0]!.bytes).toString('base64') };
  const rows: ExplainRow[] = [];
  for (const [method, samples] of [
    ['shapley', 64],
    ['integrated-gradients', 64],
  ] as const) {
    const explanation = method === 'shapley' ? { method, samples } : { method, steps: samples };
    const p50 = await rounds(bench, 'explain-tabular', row, explanation, tabularRounds);
    rows.push({
      input: `1 tabular row, ${FEATURES} features`,
      method,
      samples: method === 'shapley' ? `${samples} samples (${samples * (FEATURES + 1)} rows)` : `${samples} steps`,
      rounds: tabularRounds,
      predictP50Ms: p50.predict,
      explainP50Ms: p50.explain,
    });
  }
  const p50 = await rounds(bench, 'explain-image', image, { method: 'integrated-gradients', steps: 64 }, imageRounds);
  rows.push({
    input: '1 image, 28x28x1 (CNN)',
    method: 'integrated-gradients',
    samples: '64 steps',
    rounds: imageRounds,
    predictP50Ms: p50.predict,
    explainP50Ms: p50.explain,
  });
  return { rows };
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The report's section. */
export function explainSection(result: ExplainBenchResult | { error: string } | undefined): string {
  if (!result) return '';
  if ('error' in result) return `\`:explain\` latency failed: ${result.error}\n`;
  return `\`:explain\` latency next to \`:predict\` of the same input (\`bench/explain-bench.ts\`, in-process,
alternating rounds; defaults bounded by \`EXPLAIN_MAX_SAMPLES\` / \`EXPLAIN_MAX_STEPS\`):

| Input | Method | Samples | Rounds | :predict p50 | :explain p50 | Ratio |
| --- | --- | --- | --- | --- | --- | --- |
${result.rows
  .map(
    (r) =>
      `| ${r.input} | ${r.method} | ${r.samples} | ${r.rounds} | ${f(r.predictP50Ms, 2)} ms | ${f(r.explainP50Ms, 2)} ms | ${f(r.explainP50Ms / r.predictP50Ms, 1)}x |`,
  )
  .join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bench = await createBenchEnv();
  try {
    const result = await benchExplain(bench);
    process.stdout.write(`${JSON.stringify(result)}\n\n${explainSection(result)}`);
  } finally {
    await bench.close();
  }
  process.exit(0);
}
