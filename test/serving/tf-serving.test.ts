import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModel, penguinsModel, setosa, setupServing, virginica, type ServingSetup } from './serving-setup.ts';

let setup: ServingSetup;

beforeAll(async () => {
  setup = await setupServing([
    irisModel,
    penguinsModel(['island', 'beak_length_mm', 'flipper_length_mm', 'sex'], 30),
    {
      file: 'tabular/cars.csv',
      modelName: 'mpg',
      target: 'miles_per_gallon',
      features: ['cylinders', 'horsepower', 'weight_in_lbs'],
      model: { type: 'linear', epochs: 30, learningRate: 0.05, seed: 5 },
    },
  ]);
  const promoted = await setup.env.app.inject({
    method: 'PUT',
    url: '/v1/models/iris/aliases/production',
    headers: setup.tenant.auth,
    payload: { version: 1 },
  });
  expect(promoted.statusCode).toBe(200);
}, 300_000);
afterAll(async () => setup?.close());

const post = (url: string, payload: unknown) =>
  setup.env.app.inject({ method: 'POST', url, headers: setup.tenant.auth, payload: payload as object });
const get = (url: string) => setup.env.app.inject({ method: 'GET', url, headers: setup.tenant.auth });
const b64 = (text: string) => ({ b64: Buffer.from(text).toString('base64') });

describe('TF Serving model status and metadata', () => {
  it('answers GET /v1/models/{m} with the registry fields and model_version_status', async () => {
    const response = await get('/v1/models/iris');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'iris',
      latestVersion: 1,
      aliases: { production: 1 },
      model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
    });
  });

  it('answers the status of the version a label points at', async () => {
    const response = await get('/v1/models/iris/labels/production');
    expect(response.json()).toEqual({
      model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
    });
    expect((await get('/v1/models/iris/labels/staging')).statusCode).toBe(404);
  });

  it.each([
    '/v1/models/iris/metadata',
    '/v1/models/iris/versions/1/metadata',
    '/v1/models/iris/labels/production/metadata',
  ])('serves the signature at %s', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.model_spec).toEqual({ name: 'iris', signature_name: '', version: '1' });
    const signature = body.metadata.signature_def.signature_def.serving_default;
    expect(Object.keys(signature.inputs)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(signature.inputs.sepal_length).toMatchObject({ dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: '-1' }] } });
    expect(Object.keys(signature.outputs)).toEqual(['label', 'scores']);
    expect(signature.outputs.scores.tensor_shape.dim.map((d: { size: string }) => d.size)).toEqual(['-1', '3']);
    expect(body.metadata.signature_def.labels).toEqual(['setosa', 'versicolor', 'virginica']);
  });
});

describe('TF Serving :predict', () => {
  it('takes the row format with named instances and with arrays', async () => {
    const response = await post('/v1/models/iris:predict', {
      signature_name: 'serving_default',
      instances: [setosa, virginica],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().predictions.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica']);
    expect(response.json().model).toEqual({ name: 'iris', version: 1 });
    const arrays = await post('/v1/models/iris/versions/1:predict', { instances: [Object.values(setosa)] });
    expect(arrays.json().predictions[0].label).toBe('setosa');
  });

  it('takes the columnar format and answers outputs by name', async () => {
    const inputs = Object.fromEntries(
      Object.keys(setosa).map((key) => [
        key,
        [setosa[key as keyof typeof setosa], virginica[key as keyof typeof virginica]],
      ]),
    );
    const response = await post('/v1/models/iris/labels/production:predict', { inputs });
    expect(response.statusCode).toBe(200);
    const { outputs } = response.json();
    expect(outputs.label).toEqual(['setosa', 'virginica']);
    expect(outputs.probabilities).toHaveLength(2);
    expect(outputs.probabilities[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    const rows = (await post('/v1/models/iris:predict', { instances: [setosa] })).json().predictions[0].probabilities;
    expect(outputs.probabilities[0]).toEqual([rows.setosa, rows.versicolor, rows.virginica]);
  });

  it('decodes {"b64": ...} values like the text they encode', async () => {
    const plain = await post('/v1/models/penguins:predict', {
      instances: [{ island: 'Biscoe', beak_length_mm: 47, flipper_length_mm: 217, sex: 'FEMALE' }],
    });
    const binary = await post('/v1/models/penguins:predict', {
      instances: [{ island: b64('Biscoe'), beak_length_mm: 47, flipper_length_mm: 217, sex: b64('FEMALE') }],
    });
    expect(binary.statusCode).toBe(200);
    expect(binary.json().predictions).toEqual(plain.json().predictions);
    const columnar = await post('/v1/models/penguins:predict', {
      inputs: { island: [b64('Biscoe')], beak_length_mm: [47], flipper_length_mm: [217], sex: [b64('FEMALE')] },
    });
    expect(columnar.json().outputs.label).toEqual([plain.json().predictions[0].label]);
  });

  it("answers bad requests with problem+json carrying TF Serving's error string", async () => {
    const bad = await post('/v1/models/iris:predict', { instances: [setosa, { ...setosa, petal_width: 'wide' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ code: 'validation_failed', error: expect.any(String) });
    expect(JSON.stringify(bad.json().issues)).toContain('instances.1.petal_width');
    const both = await post('/v1/models/iris:predict', { instances: [setosa], inputs: { sepal_length: [1] } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error).toEqual(expect.any(String));
    const missing = await post('/v1/models/nope:predict', { instances: [setosa] });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', error: missing.json().detail });
    const anonymous = await setup.env.app.inject({
      method: 'POST',
      url: '/v1/models/iris:predict',
      payload: { instances: [setosa] },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error).toEqual(expect.any(String));
  });
});

describe('TF Serving :classify and :regress', () => {
  it('classifies examples with a shared context into [label, score] pairs', async () => {
    const response = await post('/v1/models/iris:classify', {
      signature_name: 'serving_default',
      context: { sepal_width: 3.2 },
      examples: [
        { sepal_length: 5.1, petal_length: 1.4, petal_width: [0.2] },
        { sepal_length: 6.7, petal_length: 5.2, petal_width: 2.3 },
      ],
    });
    expect(response.statusCode).toBe(200);
    const { result } = response.json();
    expect(result).toHaveLength(2);
    expect(result[0].map((pair: [string, number]) => pair[0])).toEqual(['setosa', 'versicolor', 'virginica']);
    const best = (pairs: [string, number][]) => pairs.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    expect([best(result[0]), best(result[1])]).toEqual(['setosa', 'virginica']);
  });

  it('regresses examples to values on the target scale', async () => {
    const response = await post('/v1/models/mpg/versions/1:regress', {
      examples: [
        { cylinders: 4, horsepower: 70, weight_in_lbs: 2000 },
        { cylinders: 8, horsepower: 220, weight_in_lbs: 4500 },
      ],
    });
    expect(response.statusCode).toBe(200);
    const [light, heavy] = response.json().result;
    expect(light).toBeGreaterThan(heavy);
    expect(light).toBeGreaterThan(20);
    const predicted = await post('/v1/models/mpg:predict', {
      inputs: { cylinders: [4], horsepower: [70], weight_in_lbs: [2000] },
    });
    expect(predicted.json().outputs[0]).toBeCloseTo(light, 4);
  });

  it("refuses the verb that does not fit the model's task", async () => {
    const regressIris = await post('/v1/models/iris:regress', { examples: [setosa] });
    expect(regressIris.statusCode).toBe(400);
    expect(regressIris.json().error).toContain(':classify');
    const classifyMpg = await post('/v1/models/mpg:classify', { examples: [{ cylinders: 4 }] });
    expect(classifyMpg.statusCode).toBe(400);
    const contextClash = await post('/v1/models/iris:classify', {
      context: { sepal_width: 3 },
      examples: [{ sepal_width: 3 }],
    });
    expect(contextClash.statusCode).toBe(400);
  });
});
