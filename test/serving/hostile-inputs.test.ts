/**
 * Prediction requests a hostile or careless client sends: images small in bytes that declare
 * millions of pixels, and numbers finite in JSON but not in the float32 a model computes in.
 * Each is refused with a 4xx problem naming the instance, and the service keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../support/zip-builder.ts';
import { jpegDeclaring, solidPng, truncatedPng, zeroPng } from '../support/hostile-images.ts';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, getVersion, postDataset, trainToSuccess, uploadCsv } from '../support/training.ts';
import { setosa } from './serving-setup.ts';

// Small enough that three 100x100 images exceed it, large enough for a normal request.
const REQUEST_PIXELS = 25_000;

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let squaresUpload: Awaited<ReturnType<typeof postDataset>>;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv({ MAX_REQUEST_IMAGE_PIXELS: String(REQUEST_PIXELS) }));
  // Two classes of 8x8 grey squares, dark and light: enough for a model that reads images. One
  // more entry is a 4096x4096 all-zero PNG of 65 kB: the upload and the worker must skip it.
  const zip = buildZip([
    ...['dark', 'light'].flatMap((label, c) =>
      Array.from({ length: 10 }, (_, i) => ({ name: `${label}/${i}.png`, data: solidPng(8, 8, c * 200 + i) })),
    ),
    // Stored, not deflated: the archive's own compression-ratio limit must not be what stops it.
    { name: 'dark/huge.png', data: zeroPng(4096, 4096), method: 'store' },
  ]);
  squaresUpload = await postDataset(env, tenant.auth, 'squares', zip, 'application/zip');
  expect(squaresUpload.statusCode).toBe(201);
  await trainToSuccess(env, tenant, {
    datasetId: squaresUpload.json().id,
    target: 'label',
    modelName: 'squares',
    model: { type: 'mlp', epochs: 2, hiddenLayers: [{ units: 4 }], seed: 1 },
  });
  const iris = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  await trainToSuccess(env, tenant, {
    datasetId: iris.id,
    target: 'species',
    modelName: 'iris',
    model: { type: 'logistic', epochs: 10, learningRate: 0.1, seed: 7 },
  });
}, 300_000);
afterAll(() => close?.());

const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });
const b64 = (bytes: Uint8Array) => ({ b64: Buffer.from(bytes).toString('base64') });
const square = (shade: number) => b64(solidPng(8, 8, shade));

/** The service still answers /healthz and a normal prediction of each model. */
async function stillServing() {
  expect((await env.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const images = await post('/v1/models/squares:predict', { instances: [square(0), square(255)] });
  expect(images.statusCode).toBe(200);
  expect(images.json().predictions).toHaveLength(2);
  const rows = await post('/v1/models/iris:predict', { instances: [setosa] });
  expect(rows.statusCode).toBe(200);
  expect(Object.values(rows.json().predictions[0].probabilities).every(Number.isFinite)).toBe(true);
}

function expectProblem(
  response: Awaited<ReturnType<typeof post>>,
  status: number,
  code: string,
): { detail: string; issues: { path: string; message: string }[]; [key: string]: unknown } {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json().code).toBe(code);
  return response.json();
}

describe('image datasets skip an entry declaring too many pixels, from its header', () => {
  it('reports the entry as skipped at upload, and the worker trains without it', async () => {
    expect(squaresUpload.json()).toMatchObject({
      rowCount: 20,
      skipped: [{ name: 'dark/huge.png', reason: 'the image is 4096x4096; at most 4194304 pixels are accepted' }],
    });
    const version = await getVersion(env, tenant, 'squares');
    expect(version.metrics.rowCounts.total).toBe(20);
  });
});

describe('image prediction requests are capped in decoded pixels, from the headers', () => {
  it('refuses four 4096x4096 all-zero PNGs in a small body, naming the instances, and keeps serving', async () => {
    const hostile = zeroPng(4096, 4096);
    expect(hostile.byteLength).toBeLessThan(200_000);
    const response = await post('/v1/models/squares:predict', {
      instances: [square(0), b64(hostile), b64(hostile), b64(hostile), b64(hostile)],
    });
    const problem = expectProblem(response, 413, 'image_too_large');
    expect(problem).toMatchObject({ instance: 1, width: 4096, height: 4096, maxPixels: 2048 * 2048 });
    expect(problem.issues.map((i) => i.path)).toEqual([
      'instances.1.b64',
      'instances.2.b64',
      'instances.3.b64',
      'instances.4.b64',
    ]);
    await stillServing();
  });

  it('refuses a JPEG whose frame header declares 4096x4096', async () => {
    const response = await post('/v1/models/squares:predict', {
      instances: [{ image: b64(jpegDeclaring(4096, 4096)) }],
    });
    expect(expectProblem(response, 413, 'image_too_large').issues).toEqual([
      { path: 'instances.0.image', message: expect.stringContaining('4096x4096') },
    ]);
    await stillServing();
  });

  it('refuses a PNG declaring 3000x3000 with no pixel data: the header is judged before any inflating', async () => {
    const response = await post('/v1/models/squares:predict', {
      instances: [square(9), b64(truncatedPng(3000, 3000))],
    });
    expect(expectProblem(response, 413, 'image_too_large')).toMatchObject({ instance: 1, width: 3000, height: 3000 });
  });

  it('refuses images that are each acceptable but together exceed the per-request cap', async () => {
    const medium = b64(solidPng(100, 100, 50));
    const two = await post('/v1/models/squares:predict', { instances: [medium, medium] });
    expect(two.statusCode).toBe(200);
    const response = await post('/v1/models/squares:predict', { instances: [medium, medium, square(3), medium] });
    const problem = expectProblem(response, 413, 'request_images_too_large');
    expect(problem).toMatchObject({ instance: 3, pixels: 30_064, maxPixels: REQUEST_PIXELS });
    expect(problem.issues.map((i) => i.path)).toEqual(['instances.3']);
    // The same cap holds on the V2 path.
    const v2 = await post('/v2/models/squares/infer', {
      inputs: [{ name: 'image', shape: [3, 1], datatype: 'BYTES', data: [medium, medium, medium] }],
    });
    expectProblem(v2, 413, 'request_images_too_large');
    await stillServing();
  });
});

describe('numbers finite in JSON but not in float32, and non-finite outputs', () => {
  const huge = { ...setosa, petal_length: 1e39 };

  it('refuses 1e39 in TF Serving rows and columns with 400 naming the instance and feature', async () => {
    for (const [url, payload] of [
      ['/v1/models/iris:predict', { instances: [setosa, huge] }],
      ['/v1/models/iris/versions/1:predict', { instances: [setosa, Object.values(huge)] }],
      [
        '/v1/models/iris:predict',
        {
          inputs: {
            ...Object.fromEntries(Object.entries(setosa).map(([k, v]) => [k, [v, v]])),
            petal_length: [1.4, 1e39],
          },
        },
      ],
      ['/v1/models/iris:classify', { examples: [setosa, huge] }],
    ] as const) {
      const problem = expectProblem(await post(url, payload), 400, 'validation_failed');
      expect(problem.issues).toEqual([
        { path: 'instances.1.petal_length', message: expect.stringContaining('32-bit floats') },
      ]);
    }
    await stillServing();
  });

  it('refuses 1e39 in a V2 JSON FP32 tensor with 400 naming the instance', async () => {
    const response = await post('/v2/models/iris/infer', {
      inputs: Object.entries(huge).map(([name, value]) => ({
        name,
        shape: [2],
        datatype: 'FP32',
        data: [(setosa as Record<string, number>)[name], value],
      })),
    });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(JSON.stringify(problem.issues)).toContain('petal_length');
    expect(JSON.stringify(problem.issues)).toMatch(/\b1\b/);
    await stillServing();
  });

  it('refuses 1e39 in a V2 binary FP64 tensor with 400 naming the instance', async () => {
    const features = Object.keys(setosa);
    const rows = [setosa, huge].map((row) => features.map((name) => (row as Record<string, number>)[name]!));
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP64', parameters: { binary_data_size: 64 } }],
      }),
    );
    const response = await env.app.inject({
      method: 'POST',
      url: '/v2/models/iris/versions/1/infer',
      headers: { ...tenant.auth, 'inference-header-content-length': String(header.length) },
      payload: Buffer.concat([header, Buffer.from(Float64Array.from(rows.flat()).buffer)]),
    });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(JSON.stringify(problem.issues)).toContain('petal_length');
    await stillServing();
  });
});
