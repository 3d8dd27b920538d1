import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantEnv, type TenantEnv } from '../support/test-env.ts';
import { postDataset, startWorker, trainToSuccess, uploadCsv } from '../support/training.ts';

/**
 * Property-based probes: request bodies and uploads generated from the shapes the API accepts,
 * with hostile variations (prototype-polluting names, huge and non-finite numbers, odd Unicode,
 * wrong types). Whatever comes in, the answer is never a 5xx, and the service still answers
 * afterwards. Runs are seeded so a failure reproduces; fast-check prints the counterexample.
 */

const SEED = 20_261_202;
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];
const HOSTILE_NUMBERS = [1e39, -1e39, 1e200, -1e308, Number.MAX_VALUE, 5e-324, 2 ** 31, 2 ** 53 + 1, -0];
const HOSTILE_TEXT = ['NaN', 'Infinity', '-Infinity', '1e400', '0x10', ' ', '"', '\u0000', '\uFEFF', '\uD800', '𝟘'];

const name = fc.oneof(fc.constantFrom(...FEATURES, ...HOSTILE_NAMES), fc.string({ maxLength: 12 }));
const scalar = fc.oneof(
  fc.double(),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.integer(),
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const record = fc.dictionary(name, value, { maxKeys: 6 });

/** A CSV cell: a plain or hostile value, sometimes quoted, sometimes with the delimiters inside. */
const csvCell = fc.oneof(
  scalar.map((v) => (v === null ? '' : String(v))),
  fc.string({ maxLength: 10 }).map((s) => `"${s.replaceAll('"', '""')}"`),
  fc.constantFrom('a,b', '"unterminated', 'x\ny', '1;2'),
);

/** Percent-encodes a path segment; a lone surrogate goes as the bytes a careless client sends. */
function encodeSegment(segment: string): string {
  try {
    return encodeURIComponent(segment);
  } catch {
    return '%ED%A0%80';
  }
}

describe('hostile requests never get a 5xx', () => {
  let ctx: TenantEnv;
  const model = 'hostile-probe';
  const auth = () => ctx.tenant.auth;

  beforeAll(async () => {
    ctx = await createTenantEnv();
    const worker = startWorker(ctx.env);
    try {
      const dataset = await uploadCsv(ctx.env, ctx.tenant, 'tabular/iris.csv', 'iris');
      await trainToSuccess(ctx.env, ctx.tenant, {
        datasetId: dataset.id,
        target: 'species',
        modelName: model,
        model: { type: 'logistic', epochs: 2 },
      });
    } finally {
      await worker.close();
    }
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
  });

  const refusedOrServed = (status: number, body: string) => {
    expect(status, body).toBeLessThan(500);
    if (status >= 400) expect(JSON.parse(body)).toMatchObject({ status, code: expect.any(String) });
  };

  it('CSV uploads: any header and cells', async () => {
    const csv = fc
      .tuple(
        fc.array(name, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(csvCell, { maxLength: 6 }), { maxLength: 8 }),
      )
      .map(([header, rows]) => [header.join(','), ...rows.map((row) => row.join(','))].join('\n'));
    await fc.assert(
      fc.asyncProperty(csv, async (body) => {
        const response = await postDataset(ctx.env, auth(), 'probe', body, 'text/csv');
        refusedOrServed(response.statusCode, response.body);
        if (response.statusCode === 201) {
          const id = response.json().id as string;
          const item = await ctx.env.app.inject({ method: 'GET', url: `/v1/datasets/${id}`, headers: auth() });
          expect(item.statusCode, item.body).toBe(200);
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
    const list = await ctx.env.app.inject({ method: 'GET', url: '/v1/datasets?name=probe', headers: auth() });
    expect(list.statusCode, list.body).toBe(200);
  }, 120_000);

  it('NDJSON uploads: any records, and lines that are not records', async () => {
    const line = fc.oneof(
      { weight: 4, arbitrary: record.map((r) => JSON.stringify(r)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 8 }), async (lines) => {
        const response = await postDataset(ctx.env, auth(), 'probe-ndjson', lines.join('\n'), 'application/x-ndjson');
        refusedOrServed(response.statusCode, response.body);
      }),
      { seed: SEED, numRuns: 60 },
    );
  }, 120_000);

  it('training-job submissions: the request shape with hostile values', async () => {
    const submission = fc.record(
      {
        datasetId: fc.oneof(fc.uuid(), fc.string({ maxLength: 8 }), value),
        target: fc.oneof(name, value),
        modelName: fc.oneof(fc.string({ maxLength: 20 }), value),
        model: fc.oneof(
          fc.record(
            {
              type: fc.oneof(fc.constantFrom('logistic', 'linear', 'mlp', 'cnn', 'gru', 'auto'), value),
              epochs: fc.oneof(fc.integer({ min: -5, max: 10 ** 9 }), value),
              hiddenUnits: fc.oneof(fc.array(fc.integer(), { maxLength: 4 }), value),
              learningRate: fc.oneof(fc.double(), value),
            },
            { requiredKeys: [] },
          ),
          value,
        ),
        features: fc.oneof(fc.array(name, { maxLength: 4 }), value),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 5, arbitrary: submission }, { weight: 1, arbitrary: value }),
        async (body) => {
          const response = await ctx.env.app.inject({
            method: 'POST',
            url: '/v1/training-jobs',
            headers: { ...auth(), 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          refusedOrServed(response.statusCode, response.body);
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  }, 120_000);

  it('TF Serving predictions: rows, columns and anything else', async () => {
    const body = fc.oneof(
      fc.record({ instances: fc.array(fc.oneof(record, value), { maxLength: 4 }) }),
      fc.record({ inputs: fc.oneof(fc.dictionary(name, fc.array(value, { maxLength: 3 })), value) }),
      fc.record({ signature_name: value, instances: value }, { requiredKeys: [] }),
      fc.record(
        { examples: fc.array(fc.oneof(record, value), { maxLength: 3 }), context: value },
        { requiredKeys: [] },
      ),
      value,
    );
    const verb = fc.constantFrom(':predict', ':classify', ':regress', '/versions/1:predict', '/labels/none:predict');
    await fc.assert(
      fc.asyncProperty(verb, body, async (path, payload) => {
        const response = await ctx.env.app.inject({
          method: 'POST',
          url: `/v1/models/${model}${path}`,
          headers: { ...auth(), 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        refusedOrServed(response.statusCode, response.body);
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);

  it('Open Inference (V2) requests: tensors of any name, shape, datatype and data', async () => {
    const tensor = fc.record(
      {
        name: fc.oneof(name, fc.constant('input')),
        shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 2 ** 32 }), { maxLength: 3 }), value),
        datatype: fc.oneof(
          fc.constantFrom('FP32', 'FP64', 'INT8', 'INT32', 'INT64', 'UINT8', 'BOOL', 'BYTES', 'FP16', 'BF16'),
          value,
        ),
        data: fc.oneof(fc.array(value, { maxLength: 6 }), value),
        parameters: fc.oneof(fc.record({ binary_data_size: fc.integer() }), value),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record(
        { inputs: fc.array(tensor, { maxLength: 5 }), outputs: value, id: value },
        { requiredKeys: ['inputs'] },
      ),
      value,
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const response = await ctx.env.app.inject({
          method: 'POST',
          url: `/v2/models/${model}/infer`,
          headers: { ...auth(), 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        expect(response.statusCode, response.body).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);

  it('list and item routes: any query parameters and path segments', async () => {
    const segment = fc.oneof(
      fc.uuid(),
      fc.constantFrom(...HOSTILE_TEXT, ...HOSTILE_NAMES, '2147483648', '-1', '1e3', '..', '%00', '%ZZ'),
      fc.string({ maxLength: 12 }),
    );
    const query = fc.dictionary(fc.constantFrom('cursor', 'limit', 'name', 'status', 'version'), segment, {
      maxKeys: 3,
    });
    const route = fc.constantFrom(
      '/v1/datasets',
      '/v1/training-jobs',
      '/v1/models',
      `/v1/models/${model}/versions`,
      `/v1/models/${model}/aliases/production/history`,
    );
    await fc.assert(
      fc.asyncProperty(route, query, segment, async (path, params, id) => {
        const search = Object.entries(params)
          .map(([key, param]) => `${key}=${encodeSegment(param)}`)
          .join('&');
        for (const url of [`${path}?${search}`, `${path}/${encodeSegment(id)}`]) {
          const response = await ctx.env.app.inject({ method: 'GET', url, headers: auth() });
          refusedOrServed(response.statusCode, response.body);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, 120_000);

  it('still answers readiness and a normal prediction afterwards', async () => {
    const ready = await ctx.env.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const prediction = await ctx.env.app.inject({
      method: 'POST',
      url: `/v1/models/${model}:predict`,
      headers: auth(),
      payload: { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] },
    });
    expect(prediction.statusCode, prediction.body).toBe(200);
    expect(prediction.json().predictions).toHaveLength(1);
  });
});
