import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServing, type ServedModelSpec, type ServingSetup } from './serving-setup.ts';

let setup: ServingSetup;

/** Iris under one name, three versions: the input schema changes at version 2 and stays at 3. */
const flowers = (features: string[]): ServedModelSpec => ({
  file: 'tabular/iris.csv',
  modelName: 'flowers',
  target: 'species',
  features,
  model: { type: 'logistic', epochs: 10, learningRate: 0.1, seed: 7 },
});

beforeAll(async () => {
  setup = await setupServing([
    flowers(['sepal_length', 'sepal_width', 'petal_length']),
    flowers(['petal_length', 'petal_width']),
    flowers(['petal_length', 'petal_width']),
  ]);
}, 300_000);
afterAll(async () => setup?.close());

const request = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  setup.env.app.inject({ method, url, headers: setup.tenant.auth, payload: payload as object });

describe('version numbers beyond what a version can be', () => {
  const tooLarge = ['2147483648', '99999999999999999999'];
  const paths = (v: string): ['GET' | 'POST', string, unknown?][] => [
    ['GET', `/v1/models/flowers/versions/${v}`],
    ['GET', `/v1/models/flowers/versions/${v}/metadata`],
    ['POST', `/v1/models/flowers/versions/${v}:predict`, { instances: [[1, 2]] }],
    ['POST', `/v1/models/flowers/versions/${v}:classify`, { examples: [{ petal_length: 1 }] }],
    ['GET', `/v2/models/flowers/versions/${v}`],
    ['GET', `/v2/models/flowers/versions/${v}/ready`],
    [
      'POST',
      `/v2/models/flowers/versions/${v}/infer`,
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] },
    ],
  ];

  it('answer 400 on every version path and in the alias body, never a 500', async () => {
    for (const v of tooLarge) {
      for (const [method, url, body] of paths(v)) {
        const response = await request(method, url, body);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
      const alias = await request('PUT', '/v1/models/flowers/aliases/production', { version: Number(v) });
      expect(alias.statusCode, alias.body).toBe(400);
      expect(alias.json().code).toBe('validation_failed');
      expect(alias.json().issues[0].path).toBe('body.version');
    }
  });

  it('answer 404 at the largest version number there can be', async () => {
    for (const [method, url, body] of paths('2147483647')) {
      const response = await request(method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(404);
    }
    expect((await request('PUT', '/v1/models/flowers/aliases/production', { version: 2147483647 })).statusCode).toBe(
      404,
    );
  });
});

describe('one model name, one task', () => {
  it('refuses a job whose task differs from the model’s at submission, creating nothing', async () => {
    const datasetId = (await request('GET', '/v1/datasets')).json().items[0].id as string;
    const jobs = await setup.env.deps.db.trainingJob.count();
    const response = await request('POST', '/v1/training-jobs', {
      datasetId,
      target: 'sepal_length',
      modelName: 'flowers',
      model: { type: 'linear', epochs: 1 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'model_task_conflict',
      issues: [{ path: 'body.modelName', message: 'is a classification model' }],
    });
    expect(await setup.env.deps.db.trainingJob.count()).toBe(jobs);
    // The same regression under a name of its own is fine.
    const elsewhere = await request('POST', '/v1/training-jobs', {
      datasetId,
      target: 'sepal_length',
      modelName: 'sepals',
      model: { type: 'linear', epochs: 1 },
    });
    expect(elsewhere.statusCode).toBe(202);
  });
});

describe('a version’s input schema', () => {
  it('shows a hash and whether it changed from the previous version', async () => {
    const versions = await Promise.all(
      [1, 2, 3].map(async (v) => (await request('GET', `/v1/models/flowers/versions/${v}`)).json()),
    );
    expect(versions.map((v) => v.inputSchemaChanged)).toEqual([null, true, false]);
    const [one, two, three] = versions.map((v) => v.inputSchemaHash as string);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two).not.toBe(one);
    expect(three).toBe(two);
    const listed = (await request('GET', '/v1/models/flowers/versions')).json().items;
    expect(
      listed.map((v: { version: number; inputSchemaChanged: boolean | null }) => [v.version, v.inputSchemaChanged]),
    ).toEqual([
      [3, false],
      [2, true],
      [1, null],
    ]);
    expect(listed.map((v: { inputSchemaHash: string }) => v.inputSchemaHash)).toEqual([three, two, one]);
  });

  it('is the one the bare :predict reads rows by: that of the version serving', async () => {
    const schemaOf = async (v: number) =>
      (
        (await request('GET', `/v1/models/flowers/versions/${v}`)).json().inputSchema.features as { name: string }[]
      ).map((f) => f.name);
    const setosa: Record<string, number> = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const rowFor = async (v: number) => (await schemaOf(v)).map((name) => setosa[name]!);
    const [rowOfOne, rowOfThree] = [await rowFor(1), await rowFor(3)];
    expect(rowOfOne).toHaveLength(3);
    expect(rowOfThree).toHaveLength(2);

    expect((await request('PUT', '/v1/models/flowers/aliases/production', { version: 1 })).statusCode).toBe(200);
    const byOne = await request('POST', '/v1/models/flowers:predict', { instances: [rowOfOne] });
    expect(byOne.statusCode, byOne.body).toBe(200);
    expect(byOne.json().model).toEqual({ name: 'flowers', version: 1 });

    // Without the alias the newest version serves, and rows are read by its schema, not version 1's.
    expect((await request('DELETE', '/v1/models/flowers/aliases/production')).statusCode).toBe(200);
    const stale = await request('POST', '/v1/models/flowers:predict', { instances: [rowOfOne] });
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'validation_failed' });
    const byThree = await request('POST', '/v1/models/flowers:predict', { instances: [rowOfThree] });
    expect(byThree.statusCode, byThree.body).toBe(200);
    expect(byThree.json().model).toEqual({ name: 'flowers', version: 3 });
    expect(byThree.json().predictions[0].label).toBe('setosa');
  });
});

describe('V2 integer tensors', () => {
  it('refuse a value outside the datatype with a 400 naming the element', async () => {
    const response = await request('POST', '/v2/models/flowers/versions/3/infer', {
      inputs: [
        { name: 'petal_length', shape: [2], datatype: 'INT8', data: [1, 999] },
        { name: 'petal_width', shape: [2], datatype: 'INT8', data: [0, 1] },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'inputs.0.data.1', message: 'INT8 data must lie in -128 to 127' }],
    });
  });
});
