import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/ml/backend.ts';
import { untarGz } from '../../src/registry/tar-archive.ts';
import { createTrainingEnv, fixture, trainToSuccess, uploadCsv, type TrainingEnv } from '../support/training.ts';
import { setosa, virginica } from './serving-setup.ts';

/**
 * Bring your own model and take yours away, through the HTTP API with real models: an MLP
 * saved by TensorFlow.js in the converter's layout (test/fixtures/models/build-tfjs-mlp.ts) and
 * one exported to ONNX from PyTorch (build-onnx-mlp.py), both trained on Iris; and a model
 * trained here, exported and imported back.
 */

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const LABELS = ['setosa', 'versicolor', 'virginica'];
const rawSpec = (modelName: string, format: string) => ({
  modelName,
  format,
  task: 'classification',
  target: 'species',
  labels: LABELS,
  features: FEATURES.map((name) => ({ name, type: 'number' })),
});

/** A multipart body as a client writes one: the `spec` field first, then one part per file. */
function multipart(spec: unknown, files: [string, Buffer][]) {
  const boundary = '----maas-import-test';
  const parts: Buffer[] = [
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="spec"\r\n\r\n${JSON.stringify(spec)}\r\n`),
  ];
  for (const [name, data] of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${name}"\r\n` +
          'content-type: application/octet-stream\r\n\r\n',
      ),
      data,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const tfjsFiles = async (): Promise<[string, Buffer][]> =>
  Promise.all(
    ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'].map(async (name): Promise<[string, Buffer]> => [
      name,
      await readFile(fixture(`models/iris-tfjs/${name}`)),
    ]),
  );

describe('model import and export', () => {
  let t: TrainingEnv;
  const post = (spec: unknown, files: [string, Buffer][]) => {
    const { payload, contentType } = multipart(spec, files);
    return t.env.app.inject({
      method: 'POST',
      url: '/v1/model-imports',
      headers: { ...t.tenant.auth, 'content-type': contentType },
      payload,
    });
  };
  const predict = (url: string, instances: unknown[]) =>
    t.env.app.inject({ method: 'POST', url, headers: t.tenant.auth, payload: { instances } });
  const storedImports = async () => (await t.env.deps.store.list('imports')).sort();

  beforeAll(async () => {
    t = await createTrainingEnv({ MAX_MODEL_UPLOAD_BYTES: '65536' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('imports a TensorFlow.js layers model (two shards) and serves it on every path', async () => {
    const response = await post(rawSpec('iris-tfjs', 'tfjs-layers'), await tfjsFiles());
    expect(response.statusCode, response.body).toBe(201);
    const version = response.json();
    expect(version).toMatchObject({
      version: 1,
      modelType: 'imported',
      lineage: { origin: 'imported', datasetId: null, trainingJobId: null },
      artifact: { format: 'tfjs-layers' },
      outputSchema: { task: 'classification', target: 'species', labels: LABELS },
    });

    // The same model loaded straight from the fixture files answers the reference probabilities.
    const files = new Map(await tfjsFiles());
    const manifest = JSON.parse(files.get('model.json')!.toString('utf8'));
    const weights = Buffer.concat([files.get('group1-shard1of2.bin')!, files.get('group1-shard2of2.bin')!]);
    const reference = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: manifest.modelTopology,
        weightSpecs: manifest.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      }),
    );
    const rows = [setosa, virginica].map((row) => FEATURES.map((f) => row[f as keyof typeof row]));
    const expected = (reference.predict(tf.tensor2d(rows)) as tf.Tensor).arraySync() as number[][];
    reference.dispose();

    const answer = await predict('/v1/models/iris-tfjs/versions/1:predict', [setosa, virginica]);
    expect(answer.statusCode, answer.body).toBe(200);
    const predictions = answer.json().predictions;
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica']);
    predictions.forEach((p: { scores: number[] }, i: number) => {
      p.scores.forEach((score, k) => expect(score).toBeCloseTo(expected[i]![k]!, 5));
    });

    // Aliases, TF Serving metadata and the V2 protocol serve it like a trained version.
    const alias = await t.env.app.inject({
      method: 'PUT',
      url: '/v1/models/iris-tfjs/aliases/production',
      headers: t.tenant.auth,
      payload: { version: 1 },
    });
    expect(alias.statusCode).toBe(200);
    expect(
      (await predict('/v1/models/iris-tfjs/labels/production:predict', [virginica])).json().predictions[0].label,
    ).toBe('virginica');
    const metadata = await t.env.app.inject({
      method: 'GET',
      url: '/v1/models/iris-tfjs/metadata',
      headers: t.tenant.auth,
    });
    expect(Object.keys(metadata.json().metadata.signature_def.signature_def.serving_default.inputs)).toEqual(FEATURES);
    const v2 = await t.env.app.inject({
      method: 'POST',
      url: '/v2/models/iris-tfjs/infer',
      headers: t.tenant.auth,
      payload: { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: rows[0] }] },
    });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.json().outputs.find((o: { name: string }) => o.name === 'label').data).toEqual(['setosa']);
  });

  it('imports an ONNX model exported from PyTorch and serves it through ONNX Runtime', async () => {
    const bytes = await readFile(fixture('models/iris-mlp.onnx'));
    const response = await post(rawSpec('iris-onnx', 'onnx'), [['model.onnx', bytes]]);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ lineage: { origin: 'imported' }, artifact: { format: 'onnx' } });

    const session = await ort.InferenceSession.create(bytes);
    const rows = [setosa, virginica].flatMap((row) => FEATURES.map((f) => row[f as keyof typeof row]));
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows), [2, 4]) });
    const expected = out.probabilities!.data as Float32Array;
    await session.release();

    const answer = await predict('/v1/models/iris-onnx/versions/1:predict', [setosa, virginica]);
    expect(answer.statusCode, answer.body).toBe(200);
    const predictions = answer.json().predictions;
    expect(predictions.map((p: { label: string }) => p.label)).toEqual(['setosa', 'virginica']);
    predictions.forEach((p: { scores: number[] }, i: number) =>
      p.scores.forEach((score, k) => expect(score).toBeCloseTo(expected[i * 3 + k]!, 6)),
    );
    // Concurrent requests are batched into one ONNX Runtime call each and still answer their own rows.
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) => predict('/v1/models/iris-onnx:predict', [i % 2 ? virginica : setosa])),
    );
    expect(many.map((r) => r.json().predictions[0].label)).toEqual(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? 'virginica' : 'setosa')),
    );
    // Its export carries the ONNX file itself, byte for byte.
    const exported = await t.env.app.inject({
      method: 'GET',
      url: '/v1/models/iris-onnx/versions/1/artifact',
      headers: t.tenant.auth,
    });
    expect(exported.statusCode).toBe(200);
    expect(untarGz(exported.rawPayload).get('model.onnx')?.equals(bytes)).toBe(true);
  });

  it('refuses bad uploads with a clear 4xx and stores nothing', async () => {
    const before = await storedImports();
    const files = await tfjsFiles();
    const cases: [number, string, unknown, [string, Buffer][]][] = [
      [400, 'invalid_model_artifact', rawSpec('bad', 'tfjs-layers'), files.slice(0, 2)], // a shard missing
      [
        400,
        'invalid_model_artifact',
        rawSpec('bad', 'tfjs-layers'),
        [files[0]!, files[1]!, ['group1-shard2of2.bin', files[2]![1].subarray(4)]],
      ], // a shard too short
      [400, 'invalid_model_artifact', rawSpec('bad', 'tfjs-layers'), [...files, ['extra.bin', Buffer.alloc(4)]]],
      [400, 'invalid_model_artifact', rawSpec('bad', 'tfjs-layers'), [['model.json', Buffer.from('{not json')]]],
      [
        422,
        'model_signature_mismatch',
        { ...rawSpec('bad', 'tfjs-layers'), features: FEATURES.slice(0, 3).map((name) => ({ name, type: 'number' })) },
        files,
      ], // 3 declared features, the model reads 4
      [
        422,
        'model_signature_mismatch',
        { ...rawSpec('bad', 'onnx'), labels: ['a', 'b', 'c', 'd'] },
        [['model.onnx', await readFile(fixture('models/iris-mlp.onnx'))]],
      ], // 4 labels, the model writes 3
      [400, 'invalid_model_artifact', rawSpec('bad', 'onnx'), [['model.onnx', Buffer.from('not an onnx model')]]],
      [400, 'validation_failed', { ...rawSpec('bad', 'onnx'), format: 'pickle' }, [['model.onnx', Buffer.alloc(8)]]],
      [413, 'payload_too_large', rawSpec('bad', 'onnx'), [['model.onnx', Buffer.alloc(70_000)]]],
    ];
    for (const [status, code, spec, parts] of cases) {
      const response = await post(spec, parts);
      expect.soft(response.statusCode, response.body).toBe(status);
      expect.soft(response.json().code, response.body).toBe(code);
    }
    const json = await t.env.app.inject({
      method: 'POST',
      url: '/v1/model-imports',
      headers: t.tenant.auth,
      payload: rawSpec('bad', 'onnx'),
    });
    expect(json.statusCode).toBe(415);
    expect(await storedImports()).toEqual(before);
    const model = await t.env.app.inject({ method: 'GET', url: '/v1/models/bad', headers: t.tenant.auth });
    expect(model.statusCode).toBe(404);
  });

  it('exports a trained version that imports back with the same predictions', async () => {
    const dataset = await uploadCsv(t.env, t.tenant, 'tabular/penguins.csv', 'penguins');
    await trainToSuccess(t.env, t.tenant, {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'penguins',
      model: { type: 'mlp', hiddenLayers: [{ units: 8 }], epochs: 2, seed: 11 },
    });
    const exported = await t.env.app.inject({
      method: 'GET',
      url: '/v1/models/penguins/versions/1/artifact',
      headers: t.tenant.auth,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe('application/gzip');
    const files = untarGz(exported.rawPayload);
    expect([...files.keys()].sort()).toEqual(
      ['README.md', 'group1-shard1of1.bin', 'model.json', 'preprocessing.json', 'signature.json'].sort(),
    );
    const preprocessing = JSON.parse(files.get('preprocessing.json')!.toString('utf8'));
    const imported = await post(
      { modelName: 'penguins-copy', format: 'tfjs-layers', task: 'classification', preprocessing },
      [
        ['model.json', files.get('model.json')!],
        ['group1-shard1of1.bin', files.get('group1-shard1of1.bin')!],
      ],
    );
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().inputSchemaHash).toBe(
      (await t.env.app.inject({ method: 'GET', url: '/v1/models/penguins/versions/1', headers: t.tenant.auth })).json()
        .inputSchemaHash,
    );

    // Whole records of the dataset, missing values included, answer alike on both.
    const csv = (await readFile(fixture('tabular/penguins.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    const instances = csv.slice(1, 41).map((line) => {
      const cells = line.split(',');
      return Object.fromEntries(
        header
          .map((name, i) => [
            name,
            cells[i] === '' || cells[i] === 'NA' ? null : Number.isNaN(Number(cells[i])) ? cells[i] : Number(cells[i]),
          ])
          .filter(([name]) => name !== 'species'),
      );
    });
    const original = await predict('/v1/models/penguins/versions/1:predict', instances);
    const copy = await predict('/v1/models/penguins-copy/versions/1:predict', instances);
    expect(original.statusCode, original.body).toBe(200);
    expect(copy.statusCode, copy.body).toBe(200);
    const a = original.json().predictions;
    const b = copy.json().predictions;
    expect(b.map((p: { label: string }) => p.label)).toEqual(a.map((p: { label: string }) => p.label));
    a.forEach((p: { scores: number[] }, i: number) =>
      p.scores.forEach((score, k) => expect(b[i].scores[k]).toBeCloseTo(score, 6)),
    );
  });
});
