import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModel, penguinsModel, setosa, setupServing, virginica, type ServingSetup } from './serving-setup.ts';

/**
 * Predictions accept the records users have (whole dataset rows, passthrough keys, imputed
 * features said out loud), and the wire details of TF Serving, KServe and Triton's HTTP client:
 * requests below are shaped as `tritonclient.http` sends them (binary inputs after a JSON header
 * of Inference-Header-Content-Length bytes, outputs asked for with `binary_data`, compression
 * with Content-Encoding, classification with `parameters.classification`).
 */

let setup: ServingSetup;
beforeAll(async () => {
  // The penguins model reads two of the dataset's seven columns.
  setup = await setupServing([irisModel, penguinsModel(['beak_length_mm', 'flipper_length_mm'], 10)], {
    MAX_INFLATED_BODY_BYTES: '8192',
  });
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

const inject = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  setup.env.app.inject({
    method,
    url,
    headers: { ...setup.tenant.auth, ...headers },
    ...(payload === undefined ? {} : { payload: payload as string }),
  });

const record = {
  species: 'Adelie',
  island: 'Torgersen',
  beak_length_mm: 39.1,
  beak_depth_mm: 18.7,
  flipper_length_mm: 181,
  body_mass_g: 3750,
  sex: 'MALE',
};

describe('predictions accept the records users have', () => {
  it("ignores the dataset's columns the model does not read, refuses names never in it", async () => {
    const whole = await inject('POST', '/v1/models/penguins/versions/1:predict', { instances: [record] });
    expect(whole.statusCode, whole.body).toBe(200);
    const bare = await inject('POST', '/v1/models/penguins/versions/1:predict', {
      instances: [{ beak_length_mm: 39.1, flipper_length_mm: 181 }],
    });
    expect(whole.json().predictions).toEqual(bare.json().predictions);
    // The target itself, for a model that reads every other column.
    const iris = await inject('POST', '/v1/models/iris:predict', { instances: [{ ...setosa, species: 'setosa' }] });
    expect(iris.statusCode, iris.body).toBe(200);

    const stranger = await inject('POST', '/v1/models/penguins:predict', {
      instances: [{ ...record, lot_id: 'A-17' }],
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().issues).toEqual([
      { path: 'instances.0.lot_id', message: expect.stringMatching(/^Unknown feature 'lot_id'/) },
    ]);
  });

  it('echoes passthrough keys beside each prediction and says which features were imputed', async () => {
    const response = await inject('POST', '/v1/models/penguins:predict', {
      instances: [
        { ...record, lot_id: 'A-17' },
        { lot_id: 'A-18', beak_length_mm: null, flipper_length_mm: 200 },
        { flipper_length_mm: 210 },
      ],
      passthrough: ['lot_id'],
    });
    expect(response.statusCode, response.body).toBe(200);
    const predictions = response.json().predictions;
    expect(predictions.map((p: { passthrough: unknown }) => p.passthrough)).toEqual([
      { lot_id: 'A-17' },
      { lot_id: 'A-18' },
      { lot_id: null },
    ]);
    expect(predictions.map((p: { imputed?: string[] }) => p.imputed)).toEqual([
      undefined,
      ['beak_length_mm'],
      ['beak_length_mm'],
    ]);
    const columnar = await inject('POST', '/v1/models/penguins:predict', {
      inputs: { flipper_length_mm: [200] },
      passthrough: ['lot_id'],
    });
    expect(columnar.statusCode).toBe(400);
  });
});

describe('TF Serving: row answers agree with the metadata', () => {
  it('gives `scores` in the metadata’s label order, as the declared [-1, K] tensor', async () => {
    const metadata = (await inject('GET', '/v1/models/iris/metadata')).json().metadata.signature_def;
    const scores = metadata.signature_def.serving_default.outputs.scores;
    expect(scores.dtype).toBe('DT_FLOAT');
    const rows = (await inject('POST', '/v1/models/iris:predict', { instances: [setosa, virginica] })).json()
      .predictions;
    for (const row of rows) {
      expect(row.scores).toHaveLength(Number(scores.tensor_shape.dim[1].size));
      expect(row.scores).toEqual(metadata.labels.map((label: string) => row.probabilities[label]));
    }
    const columnar = (
      await inject('POST', '/v1/models/iris:predict', {
        inputs: { ...Object.fromEntries(Object.entries(setosa).map(([k, v]) => [k, [v]])) },
      })
    ).json().outputs;
    expect(columnar.scores).toEqual([rows[0].scores]);
  });
});

/** A request as tritonclient.http writes it: JSON header, then each input's raw little-endian bytes. */
function tritonBody(header: object, ...tensors: Buffer[]) {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...tensors]), headerLength: String(json.length) };
}
const fp32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);

/** Reads a binary response: the JSON header, then each binary output's bytes in order. */
function readBinaryAnswer(raw: Buffer, headerLength: string) {
  const header = JSON.parse(raw.toString('utf8', 0, Number(headerLength)));
  let offset = Number(headerLength);
  const outputs: Record<string, unknown[]> = {};
  for (const output of header.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) {
      outputs[output.name] = output.data;
      continue;
    }
    const bytes = raw.subarray(offset, offset + size);
    offset += size;
    if (output.datatype === 'BYTES') {
      const strings: string[] = [];
      for (let at = 0; at < bytes.length;) {
        const length = bytes.readUInt32LE(at);
        strings.push(bytes.toString('utf8', at + 4, at + 4 + length));
        at += 4 + length;
      }
      outputs[output.name] = strings;
    } else outputs[output.name] = [...new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size))];
  }
  return { header, outputs };
}

describe("Triton's HTTP client", () => {
  const rows = [setosa, virginica].map((row) => Object.values(row));
  const infer = (url: string, header: object, tensors: Buffer[], encode?: 'gzip' | 'deflate') => {
    const { body, headerLength } = tritonBody(header, ...tensors);
    const sent = encode === 'gzip' ? gzipSync(body) : encode === 'deflate' ? deflateSync(body) : body;
    return inject('POST', url, sent, {
      'inference-header-content-length': headerLength,
      ...(encode ? { 'content-encoding': encode } : {}),
    });
  };
  const binaryRequest = {
    inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
    outputs: [{ name: 'label', parameters: { binary_data: true } }],
  };

  it('reads gzip and deflate request bodies (the header length counts the uncompressed JSON)', async () => {
    const plain = await infer('/v2/models/iris/infer', binaryRequest, [fp32(rows.flat())]);
    expect(plain.statusCode, plain.body).toBe(200);
    const expected = readBinaryAnswer(plain.rawPayload, plain.headers['inference-header-content-length'] as string);
    expect(expected.outputs.label).toEqual(['setosa', 'virginica']);
    for (const encoding of ['gzip', 'deflate'] as const) {
      const response = await infer('/v2/models/iris/versions/1/infer', binaryRequest, [fp32(rows.flat())], encoding);
      expect(response.statusCode, response.body).toBe(200);
      const answer = readBinaryAnswer(
        response.rawPayload,
        response.headers['inference-header-content-length'] as string,
      );
      expect(answer.outputs).toEqual(expected.outputs);
    }
  });

  it('refuses a body that inflates past the cap (413), is not what it claims (400), or an unknown encoding (415)', async () => {
    const bomb = gzipSync(Buffer.alloc(100_000, 0x20));
    expect(bomb.length).toBeLessThan(8192);
    const tooLarge = await inject('POST', '/v2/models/iris/infer', bomb, {
      'content-encoding': 'gzip',
      'content-type': 'application/json',
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error).toMatch(/8192/);
    const notGzip = await inject('POST', '/v2/models/iris/infer', Buffer.from('{"inputs": []}'), {
      'content-encoding': 'gzip',
      'content-type': 'application/json',
    });
    expect(notGzip.statusCode).toBe(400);
    expect(notGzip.json().error).toMatch(/gzip/);
    const brotli = await inject('POST', '/v2/models/iris/infer', Buffer.from('x'), { 'content-encoding': 'br' });
    expect(brotli.statusCode).toBe(415);
  });

  it('answers the model configuration, and unknown /v2 routes with an `error` member', async () => {
    for (const url of ['/v2/models/iris/config', '/v2/models/iris/versions/1/config']) {
      const response = await inject('GET', url);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        name: 'iris',
        max_batch_size: expect.any(Number),
        input: [
          { name: 'sepal_length', data_type: 'TYPE_FP32', dims: [1] },
          { name: 'sepal_width', data_type: 'TYPE_FP32', dims: [1] },
          { name: 'petal_length', data_type: 'TYPE_FP32', dims: [1] },
          { name: 'petal_width', data_type: 'TYPE_FP32', dims: [1] },
        ],
        output: [
          { name: 'label', data_type: 'TYPE_STRING', dims: [] },
          { name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] },
        ],
      });
    }
    expect((await inject('GET', '/v2/models/nope/config')).json().error).toMatch(/nope/);
    for (const url of ['/v2/models/iris/statistics', '/v2/repository/index', '/v2/nothing']) {
      const response = await inject('GET', url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'route_not_found', error: expect.stringContaining(url) });
    }
  });

  it('accepts every input the metadata lists when they agree, and KServe’s input-0', async () => {
    const metadata = (await inject('GET', '/v2/models/iris')).json();
    const columns = (name: string) =>
      rows.map((row, i) => row[metadata.inputs.findIndex((x: { name: string }) => x.name === name)] ?? i);
    const everyInput = metadata.inputs.map((input: { name: string; shape: number[] }) => ({
      name: input.name,
      datatype: 'FP32',
      shape: input.name === 'input' ? [2, 4] : [2, 1],
      data: input.name === 'input' ? rows.flat() : columns(input.name),
    }));
    const all = await inject('POST', '/v2/models/iris/infer', { inputs: everyInput });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().outputs[0].data).toEqual(['setosa', 'virginica']);
    const disagreeing = everyInput.map((input: { name: string; data: number[] }) =>
      input.name === 'petal_length' ? { ...input, data: [9, 9] } : input,
    );
    const refused = await inject('POST', '/v2/models/iris/infer', { inputs: disagreeing });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatch(/petal_length/);
    const kserve = await inject('POST', '/v2/models/iris/infer', {
      inputs: [{ name: 'input-0', shape: [2, 4], datatype: 'FP32', data: rows }],
    });
    expect(kserve.statusCode, kserve.body).toBe(200);
    expect(kserve.json().outputs[0].data).toEqual(['setosa', 'virginica']);
  });

  it('ranks classes with parameters.classification (class_count) as Triton does', async () => {
    const response = await infer(
      '/v2/models/iris/infer',
      {
        inputs: binaryRequest.inputs,
        outputs: [{ name: 'probabilities', parameters: { classification: 2, binary_data: true } }],
      },
      [fp32(rows.flat())],
    );
    expect(response.statusCode, response.body).toBe(200);
    const answer = readBinaryAnswer(response.rawPayload, response.headers['inference-header-content-length'] as string);
    expect(answer.header.outputs[0]).toMatchObject({ name: 'probabilities', datatype: 'BYTES', shape: [2, 2] });
    const entries = (answer.outputs.probabilities as string[]).map((entry) => entry.split(':'));
    expect(entries.map(([, index, label]) => `${index}:${label}`).filter((_, i) => i % 2 === 0)).toEqual([
      '0:setosa',
      '2:virginica',
    ]);
    expect(Number(entries[0]![0])).toBeGreaterThanOrEqual(Number(entries[1]![0]));
    for (const [output, k] of [
      ['probabilities', 4],
      ['label', 1],
    ] as const) {
      const bad = await inject('POST', '/v2/models/iris/infer', {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: rows[0] }],
        outputs: [{ name: output, parameters: { classification: k } }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatch(/classification/);
    }
  });
});
