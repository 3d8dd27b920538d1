import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive } from '../../src/datasets/image-archive.ts';
import { buildZip } from '../support/zip-builder.ts';
import { createTenantEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import {
  createTrainingEnv,
  fixture,
  getVersion,
  postDataset,
  trainToSuccess,
  waitForJob,
} from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let digits: Buffer;
let firstImage: Uint8Array;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  digits = await readFile(fixture('images/digits.zip'));
  firstImage = (await readImageArchive(digits)).images[0]!.bytes;
});
afterAll(() => close?.());

const uploadZip = (body: Buffer, name: string) => postDataset(env, tenant.auth, name, body, 'application/zip');
const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });

/** Every file under the store's datasets folder (of this file's environment by default). */
async function storedDatasetFiles(of: TestEnv = env): Promise<string[]> {
  const root = path.join(of.config.ARTIFACT_DIR, 'datasets');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe('image datasets: ZIP upload -> cnn job -> version -> predict with {"b64"}', () => {
  let datasetId: string;

  it('profiles a ZIP of class folders as an image and a label column, reporting skipped entries', async () => {
    // The fixture's images plus a stray text file.
    const archive = await readImageArchive(digits);
    const zip = buildZip([
      ...archive.images.map((i) => ({ name: i.name, data: i.bytes, method: 'store' as const })),
      { name: 'digits/notes.txt', data: Buffer.from('hello') },
    ]);
    const response = await uploadZip(zip, 'digits');
    expect(response.statusCode).toBe(201);
    const dataset = response.json();
    datasetId = dataset.id;
    expect(dataset).toMatchObject({ format: 'zip', rowCount: 600, skippedCount: 1 });
    expect(dataset.skipped).toEqual([{ name: 'digits/notes.txt', reason: expect.stringContaining('not a .png') }]);
    // Kept with the dataset: reading it back later says the same.
    const fetched = await env.app.inject({ method: 'GET', url: `/v1/datasets/${datasetId}`, headers: tenant.auth });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({ skipped: dataset.skipped, skippedCount: 1 });
    expect(dataset.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['image', 'image'],
      ['label', 'categorical'],
    ]);
    const label = dataset.columns[1];
    expect(label.distinct).toBe(10);
    expect(label.topValues).toHaveLength(10);
    expect(label.topValues.every((v: { count: number }) => v.count === 60)).toBe(true);
  });

  it('trains a CNN through the worker and predicts the fixture PNGs sent as {"b64"}', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId,
      target: 'label',
      modelName: 'digits',
      model: {
        type: 'cnn',
        epochs: 8,
        learningRate: 0.005,
        seed: 1,
        convBlocks: [
          { filters: 16, kernelSize: 3, pooling: 'none' },
          { filters: 32, kernelSize: 3 },
        ],
        denseUnits: [64],
      },
    });
    // Early stopping is on by default (a validation split): 8 epochs at most.
    expect(job.progress.epochs.length).toBeGreaterThan(0);
    expect(job.progress.epochs.length).toBeLessThanOrEqual(8);
    expect(job.metrics.accuracy).toBeGreaterThan(0.9);
    const version = await getVersion(env, tenant, 'digits');
    // The worker trains on WASM (with the conv-gradient kernels) when no native backend is installed.
    expect(version).toMatchObject({
      modelType: 'cnn',
      task: 'classification',
      backend: expect.stringMatching(/^(wasm|tensorflow)/),
    });

    const { images } = await readImageArchive(digits);
    const sample = images.filter((_, i) => i % 30 === 0); // 20 images, 2 per class
    const predicted = await post('/v1/models/digits/versions/1:predict', {
      instances: sample.map((i) => ({ b64: Buffer.from(i.bytes).toString('base64') })),
    });
    expect(predicted.statusCode).toBe(200);
    const predictions = predicted.json().predictions as { label: string; probabilities: Record<string, number> }[];
    const correct = predictions.filter((p, i) => p.label === sample[i]!.label).length;
    expect(correct).toBeGreaterThanOrEqual(17);
    expect(Object.keys(predictions[0]!.probabilities).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
  });

  it('answers a bad image instance with 400 naming the instance', async () => {
    const response = await post('/v1/models/digits/versions/1:predict', {
      instances: [
        { b64: Buffer.from(firstImage).toString('base64') },
        { b64: Buffer.from('not a png').toString('base64') },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().issues)).toContain('instances.1.b64');
  });

  const nestedTitle =
    'predicts images nested under the input name ({"image": {"b64"}}) ' +
    'in row, columnar, classify and V2 BYTES requests alike';
  it(nestedTitle, async () => {
    const { images } = await readImageArchive(digits);
    const sample = images.filter((_, i) => i % 60 === 7); // 10 images, one per class
    const b64 = sample.map((i) => Buffer.from(i.bytes).toString('base64'));
    const labelsOf = (response: { statusCode: number; json(): { predictions: { label: string }[] } }) => {
      expect(response.statusCode).toBe(200);
      return response.json().predictions.map((p) => p.label);
    };
    const reference = labelsOf(
      await post('/v1/models/digits/versions/1:predict', { instances: b64.map((value) => ({ b64: value })) }),
    );
    // The model must actually read these images, or agreeing below would prove nothing.
    expect(reference.filter((label, i) => label === sample[i]!.label).length).toBeGreaterThanOrEqual(8);

    expect(
      labelsOf(
        await post('/v1/models/digits/versions/1:predict', {
          instances: b64.map((value) => ({ image: { b64: value } })),
        }),
      ),
    ).toEqual(reference);
    expect(
      labelsOf(
        await post('/v1/models/digits/versions/1:predict', { instances: b64.map((value) => ({ image: value })) }),
      ),
    ).toEqual(reference);
    const columnar = await post('/v1/models/digits/versions/1:predict', {
      inputs: { image: b64.map((value) => ({ b64: value })) },
    });
    expect(columnar.statusCode).toBe(200);
    expect(columnar.json().outputs.label).toEqual(reference);
    const classified = await post('/v1/models/digits/versions/1:classify', {
      examples: b64.map((value) => ({ image: { b64: value } })),
    });
    expect(classified.statusCode).toBe(200);
    const best = classified
      .json()
      .result.map((pairs: [string, number][]) => pairs.reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
    expect(best).toEqual(reference);
    for (const data of [b64.map((value) => ({ b64: value })), b64]) {
      const inferred = await post('/v2/models/digits/versions/1/infer', {
        inputs: [{ name: 'image', shape: [b64.length, 1], datatype: 'BYTES', data }],
      });
      expect(inferred.statusCode).toBe(200);
      expect(inferred.json().outputs.find((o: { name: string }) => o.name === 'label').data).toEqual(reference);
    }
  });

  it('names the nested field of a bad or misplaced nested image', async () => {
    const good = Buffer.from(firstImage).toString('base64');
    const response = await post('/v1/models/digits/versions/1:predict', {
      instances: [
        { image: { b64: good } },
        { image: { b64: Buffer.from('not a png').toString('base64') } },
        { picture: { b64: good } },
        { image: 42 },
      ],
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(['instances.1.image', 'instances.2.picture', 'instances.3.image']);
  });

  it('refuses an lstm on images before queueing anything', async () => {
    const response = await post('/v1/training-jobs', {
      datasetId,
      target: 'label',
      modelName: 'x',
      model: { type: 'lstm' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('architecture_incompatible');
  });
});

describe('image datasets: a CSV with a base64 PNG column', () => {
  it('profiles the column as image, trains a cnn on it and predicts {"<column>": base64}', async () => {
    const { images } = await readImageArchive(digits);
    const chosen = images.filter((_, i) => i % 3 === 0); // 200 images, 20 per class
    const csv = ['picture,digit', ...chosen.map((i) => `${Buffer.from(i.bytes).toString('base64')},d${i.label}`)].join(
      '\n',
    );
    const upload = await postDataset(env, tenant.auth, 'digits-csv', csv, 'text/csv');
    expect(upload.statusCode).toBe(201);
    expect(upload.json().columns.map((c: { type: string }) => c.type)).toEqual(['image', 'categorical']);
    expect(upload.json()).not.toHaveProperty('skipped');
    const submitted = await post('/v1/training-jobs', {
      datasetId: upload.json().id,
      target: 'digit',
      modelName: 'digits-csv',
      model: { type: 'auto', epochs: 4, learningRate: 0.005, seed: 1 },
    });
    const job = await waitForJob(env, tenant, submitted.json().id);
    expect(job.error).toBeNull();
    const predicted = await post('/v1/models/digits-csv/versions/1:predict', {
      instances: [{ picture: Buffer.from(chosen[0]!.bytes).toString('base64') }],
    });
    expect(predicted.statusCode).toBe(200);
    expect(predicted.json().predictions[0].label).toMatch(/^d\d$/);
  });
});

describe('hostile archives are refused with problem+json and leave nothing behind', () => {
  const png = () => firstImage;
  it.each([
    [
      'a zip bomb (an entry inflating far past its compressed size)',
      () =>
        buildZip([
          { name: 'a/1.png', data: png() },
          { name: 'b/bomb.png', data: new Uint8Array(20 * 2 ** 20) },
        ]),
      413,
    ],
    [
      'zip slip (an entry name climbing out of the folder)',
      () =>
        buildZip([
          { name: 'a/1.png', data: png() },
          { name: 'b/1.png', data: png() },
          { name: '../../evil/1.png', data: png() },
        ]),
      400,
    ],
    [
      'too many entries',
      () =>
        buildZip(
          Array.from({ length: 50_001 }, (_, i) => ({
            name: `a/${i}.png`,
            data: new Uint8Array(0),
            method: 'store' as const,
          })),
        ),
      413,
    ],
    ['not a ZIP at all', () => Buffer.from('definitely,not\na,zip\n'), 400],
  ])('%s', async (_what, build, status) => {
    const before = await env.deps.db.dataset.count();
    const files = await storedDatasetFiles();
    const response = await uploadZip(build(), 'hostile');
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await env.deps.db.dataset.count()).toBe(before);
    expect(await storedDatasetFiles()).toEqual(files);
  });

  it('a ZIP past MAX_UPLOAD_BYTES is refused with 413', async () => {
    const { env: small, tenant: other } = await createTenantEnv({ MAX_UPLOAD_BYTES: '1000' });
    try {
      const response = await postDataset(small, other.auth, 'big', digits, 'application/zip');
      expect(response.statusCode).toBe(413);
      expect(await small.deps.db.dataset.count()).toBe(0);
      expect(await storedDatasetFiles(small)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});
