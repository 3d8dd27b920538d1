import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/training.ts';
import { setupServing, type ServingSetup } from './serving-setup.ts';

/**
 * Columns named `__proto__`, `constructor`, `toString`, `hasOwnProperty` and labels named
 * `__proto__`, `constructor`, `toString`: names a plain object answers from its prototype.
 * Bodies are written as JSON text, because a JS object literal would itself turn `__proto__`
 * into a prototype instead of a key.
 */
const LABELS = ['__proto__', 'constructor', 'toString'];
const FEATURES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
/** One instance per class, values as the fixture draws them for that class. */
const ROWS = [
  [0.1, 0.2, '__proto__', 1],
  [2.1, -1.0, 'constructor', 3],
  [4.0, -2.1, 'hasOwnProperty', 2],
] as const;

let setup: ServingSetup;
let csv: string;
beforeAll(async () => {
  csv = await readFile(fixture('tabular/prototype-names.csv'), 'utf8');
  setup = await setupServing([
    {
      file: 'tabular/prototype-names.csv',
      modelName: 'odd-names',
      target: 'label',
      model: { type: 'logistic', epochs: 40, learningRate: 0.1, seed: 7 },
    },
  ]);
});
afterAll(() => setup?.close());

const post = (url: string, json: string) =>
  setup.env.app.inject({
    method: 'POST',
    url,
    headers: { ...setup.tenant.auth, 'content-type': 'application/json' },
    payload: json,
  });
const rowObject = (row: readonly unknown[]) =>
  `{${FEATURES.map((name, f) => `${JSON.stringify(name)}:${JSON.stringify(row[f])}`).join(',')}}`;
const ownKeys = (value: object) => Object.keys(value).sort();

/** Probabilities in label order from the row format, the reference the other formats must match. */
async function rowProbabilities(): Promise<number[][]> {
  const response = await post('/v1/models/odd-names:predict', `{"instances":[${ROWS.map(rowObject).join(',')}]}`);
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body).predictions.map((p: { probabilities: Record<string, number> }) =>
    LABELS.map((label) => p.probabilities[label]),
  );
}

describe('names a plain object would answer from its prototype', () => {
  it('profiles the odd column and label names and values as they are', async () => {
    const list = await setup.env.app.inject({ method: 'GET', url: '/v1/datasets', headers: setup.tenant.auth });
    const summary = JSON.parse(list.body).items[0];
    expect(summary.columns.map((c: { name: string }) => c.name)).toEqual([...FEATURES, 'label']);
    // Lists carry summaries; the profiles come from the item route.
    const item = await setup.env.app.inject({
      method: 'GET',
      url: `/v1/datasets/${summary.id}`,
      headers: setup.tenant.auth,
    });
    const dataset = JSON.parse(item.body);
    // Expected counts straight from the fixture text.
    const lines = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const counts = (index: number) => {
      const tally = new Map<string, number>();
      for (const fields of lines) tally.set(fields[index]!, (tally.get(fields[index]!) ?? 0) + 1);
      return [...tally].map(([value, count]) => ({ value, count }));
    };
    const byName = (name: string) => dataset.columns.find((c: { name: string }) => c.name === name);
    expect(byName('toString').type).toBe('categorical');
    expect(byName('toString').topValues).toEqual(expect.arrayContaining(counts(2)));
    expect(byName('toString').topValues).toHaveLength(3);
    expect(byName('label').topValues).toEqual(expect.arrayContaining(counts(4)));
    expect(
      byName('label')
        .topValues.map((v: { value: string }) => v.value)
        .sort(),
    ).toEqual([...LABELS].sort());
  });

  it('answers every label in the row format, with numbers only, and learns the classes', async () => {
    const response = await post('/v1/models/odd-names:predict', `{"instances":[${ROWS.map(rowObject).join(',')}]}`);
    expect(response.statusCode, response.body).toBe(200);
    const predictions = JSON.parse(response.body).predictions;
    for (const prediction of predictions) {
      expect(ownKeys(prediction.probabilities)).toEqual([...LABELS].sort());
      const values = Object.values(prediction.probabilities) as unknown[];
      for (const value of values) expect(typeof value).toBe('number');
      expect((values as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(LABELS);
  });

  it('answers the same in array rows, columnar inputs, :classify with and without context, and V2', async () => {
    const reference = await rowProbabilities();

    const arrays = await post('/v1/models/odd-names:predict', JSON.stringify({ instances: ROWS }));
    expect(arrays.statusCode, arrays.body).toBe(200);
    const arrayProbabilities = JSON.parse(arrays.body).predictions.map((p: { probabilities: Record<string, number> }) =>
      LABELS.map((label) => p.probabilities[label]),
    );
    expect(arrayProbabilities).toEqual(reference);

    const columns = `{"inputs":{${FEATURES.map((name, f) => `${JSON.stringify(name)}:${JSON.stringify(ROWS.map((row) => row[f]))}`).join(',')}}}`;
    const columnar = await post('/v1/models/odd-names:predict', columns);
    expect(columnar.statusCode, columnar.body).toBe(200);
    const outputs = JSON.parse(columnar.body).outputs;
    expect(outputs.label).toEqual(LABELS);
    for (const row of outputs.probabilities) for (const value of row) expect(typeof value).toBe('number');
    expect(outputs.probabilities).toEqual(reference);

    const classify = await post('/v1/models/odd-names:classify', `{"examples":[${ROWS.map(rowObject).join(',')}]}`);
    expect(classify.statusCode, classify.body).toBe(200);
    const pairs = JSON.parse(classify.body).result as [string, number][][];
    expect(pairs.map((example) => example.map(([label]) => label))).toEqual(ROWS.map(() => LABELS));
    expect(pairs.map((example) => example.map(([, score]) => score))).toEqual(reference);

    // `__proto__` and `constructor` shared in the context, the rest per example.
    const withContext = await post(
      '/v1/models/odd-names:classify',
      `{"context":{"__proto__":${ROWS[1][0]},"constructor":${ROWS[1][1]}},` +
        `"examples":[{"toString":${JSON.stringify(ROWS[1][2])},"hasOwnProperty":${ROWS[1][3]}}]}`,
    );
    expect(withContext.statusCode, withContext.body).toBe(200);
    expect(JSON.parse(withContext.body).result[0].map(([, score]: [string, number]) => score)).toEqual(reference[1]);

    const v2 = await post(
      '/v2/models/odd-names/infer',
      JSON.stringify({
        inputs: FEATURES.map((name, f) => ({
          name,
          shape: [ROWS.length],
          datatype: f === 2 ? 'BYTES' : 'FP32',
          data: ROWS.map((row) => row[f]),
        })),
      }),
    );
    expect(v2.statusCode, v2.body).toBe(200);
    const [labels, probabilities] = JSON.parse(v2.body).outputs;
    expect(labels.data).toEqual(LABELS);
    for (const value of probabilities.data) expect(typeof value).toBe('number');
    // V2 carries FP32; the JSON answers carry the same float32 outputs.
    expect(probabilities.data).toEqual(reference.flat());
  });

  it('lists the odd feature names in the model metadata', async () => {
    const response = await setup.env.app.inject({
      method: 'GET',
      url: '/v1/models/odd-names/metadata',
      headers: setup.tenant.auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    const inputs = JSON.parse(response.body).metadata.signature_def.signature_def.serving_default.inputs;
    expect(ownKeys(inputs)).toEqual([...FEATURES].sort());
  });
});
