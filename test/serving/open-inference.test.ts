import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../support/test-env.ts';
import { irisModel, penguinsModel, setosa, setupServing, virginica, type ServingSetup } from './serving-setup.ts';

let setup: ServingSetup;
let readOnly: { auth: { authorization: string } };

beforeAll(async () => {
  setup = await setupServing([irisModel, penguinsModel(['island', 'sex'], 20)]);
  // A second key of the same project, with the read scope only.
  const key = await setup.env.app.inject({
    method: 'POST',
    url: `/v1/projects/${setup.tenant.projectId}/api-keys`,
    headers: { authorization: `Bearer ${setup.env.adminToken}` },
    payload: { name: 'reader', scopes: ['read'] },
  });
  readOnly = { auth: { authorization: `Bearer ${key.json().key}` } };
}, 300_000);
afterAll(async () => setup?.close());

const infer = (url: string, payload: unknown, auth = setup.tenant.auth) =>
  setup.env.app.inject({ method: 'POST', url, headers: auth, payload: payload as object });
const get = (url: string, auth: Record<string, string> = setup.tenant.auth) =>
  setup.env.app.inject({ method: 'GET', url, headers: auth });
const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

describe('Open Inference Protocol: server', () => {
  it('answers server metadata (the version package.json gives), liveness and readiness without a key', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((await get('/v2', {})).json()).toEqual({ name: 'maas', version, extensions: ['binary_tensor_data'] });
    expect((await get('/v2/health/live', {})).statusCode).toBe(200);
    const ready = await get('/v2/health/ready', {});
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
  });
});

describe('Open Inference Protocol: models', () => {
  it('describes named, typed, shaped inputs and outputs', async () => {
    const response = await get('/v2/models/iris', readOnly.auth);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      name: 'iris',
      versions: ['1'],
      platform: 'tensorflowjs',
      inputs: [
        ...features.map((name) => ({ name, datatype: 'FP32', shape: [-1, 1] })),
        { name: 'input', datatype: 'FP32', shape: [-1, 4] },
      ],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    const penguins = (await get('/v2/models/penguins/versions/1')).json();
    expect(penguins.inputs).toEqual([
      { name: 'island', datatype: 'BYTES', shape: [-1, 1] },
      { name: 'sex', datatype: 'BYTES', shape: [-1, 1] },
      { name: 'input', datatype: 'BYTES', shape: [-1, 2] },
    ]);
  });

  it('reports a version ready once it is loaded, and 404 for unknown ones', async () => {
    expect((await get('/v2/models/iris/ready')).json()).toEqual({ name: 'iris', version: '1', ready: true });
    expect((await get('/v2/models/iris/versions/1/ready')).statusCode).toBe(200);
    const missing = await get('/v2/models/iris/versions/7/ready');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', error: expect.any(String) });
  });
});

describe('Open Inference Protocol: infer', () => {
  it('takes one [N, 1] input per feature and answers labels and probabilities', async () => {
    const response = await infer('/v2/models/iris/infer', {
      id: '42',
      inputs: features.map((name) => ({
        name,
        shape: [2, 1],
        datatype: 'FP32',
        data: [setosa[name], virginica[name]],
      })),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ model_name: 'iris', model_version: '1', id: '42' });
    expect(body.outputs[0]).toEqual({ name: 'label', datatype: 'BYTES', shape: [2], data: ['setosa', 'virginica'] });
    expect(body.outputs[1]).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [2, 3] });
    expect(body.outputs[1].data).toHaveLength(6);
  });

  it('takes one FP32 [N, F] input named input, flat or nested, with the same answer', async () => {
    const flat = await infer('/v2/models/iris/versions/1/infer', {
      inputs: [
        {
          name: 'input',
          shape: [2, 4],
          datatype: 'FP32',
          data: [...Object.values(setosa), ...Object.values(virginica)],
        },
      ],
    });
    const nested = await infer('/v2/models/iris/infer', {
      inputs: [
        { name: 'input', shape: [2, 4], datatype: 'FP64', data: [Object.values(setosa), Object.values(virginica)] },
      ],
    });
    expect(flat.statusCode).toBe(200);
    expect(nested.json().outputs).toEqual(flat.json().outputs);
    const perFeature = await infer('/v2/models/iris/infer', {
      inputs: features.map((name) => ({ name, shape: [2], datatype: 'FP32', data: [setosa[name], virginica[name]] })),
    });
    expect(perFeature.json().outputs).toEqual(flat.json().outputs);
  });

  it('takes integer and BYTES tensors and returns only the requested outputs', async () => {
    const ints = await infer('/v2/models/iris/infer', {
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT32', data: [[6, 3, 5, 2]] }],
      outputs: [{ name: 'label' }],
    });
    expect(ints.statusCode).toBe(200);
    expect(ints.json().outputs.map((o: { name: string }) => o.name)).toEqual(['label']);
    const bytes = await infer('/v2/models/penguins/infer', {
      inputs: [
        { name: 'island', shape: [2, 1], datatype: 'BYTES', data: ['Torgersen', 'Biscoe'] },
        { name: 'sex', shape: [2, 1], datatype: 'BYTES', data: ['MALE', 'FEMALE'] },
      ],
    });
    expect(bytes.statusCode).toBe(200);
    expect(bytes.json().outputs[0].data).toHaveLength(2);
  });

  it.each([
    [
      'a shape that does not match the data',
      { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      'shape',
    ],
    [
      'an unknown input',
      { inputs: [{ name: 'colour', shape: [1], datatype: 'BYTES', data: ['red'] }] },
      'unknown input',
    ],
    [
      'a datatype the data breaks',
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT32', data: [5.1, 3.5, 1.4, 0.2] }] },
      'integers',
    ],
    [
      'an unknown output',
      {
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
        outputs: [{ name: 'logits' }],
      },
      'logits',
    ],
    [
      'a text value for a numeric feature',
      { inputs: [{ name: 'sepal_length', shape: [1], datatype: 'BYTES', data: ['long'] }] },
      'number',
    ],
  ])('answers 400 with an error member for %s', async (_what, payload, mentions) => {
    const response = await infer('/v2/models/iris/infer', payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.json())).toContain(mentions);
    expect(response.json().error).toEqual(expect.any(String));
  });

  it('needs the predict scope to infer and the read scope for metadata', async () => {
    const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
    expect((await infer('/v2/models/iris/infer', body, readOnly.auth)).statusCode).toBe(403);
    const anonymous = await infer('/v2/models/iris/infer', body, {} as typeof readOnly.auth);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error).toEqual(expect.any(String));
    expect((await get('/v2/models/iris', {})).statusCode).toBe(401);
    const other = await createTenant(setup.env);
    expect((await infer('/v2/models/iris/infer', body, other.auth)).statusCode).toBe(404);
  });
});

/**
 * A request of the binary tensor data extension, framed as Triton's HTTP client frames it: the
 * JSON header, then each binary input's bytes, no JSON content type.
 */
function binaryRequest(
  header: object,
  blobs: Buffer[],
  { contentType, url = '/v2/models/iris/infer' }: { contentType?: string; url?: string } = {},
) {
  const json = Buffer.from(JSON.stringify(header));
  return setup.env.app.inject({
    method: 'POST',
    url,
    headers: {
      ...setup.tenant.auth,
      'inference-header-content-length': String(json.length),
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    payload: Buffer.concat([json, ...blobs]),
  });
}

const fp32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
const byteStrings = (values: string[]) =>
  Buffer.concat(
    values.flatMap((value) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(Buffer.byteLength(value));
      return [length, Buffer.from(value)];
    }),
  );

/** Splits a binary response into its JSON header and the bytes after it. */
function readBinaryResponse(response: { rawPayload: Buffer; headers: Record<string, unknown> }) {
  const length = Number(response.headers['inference-header-content-length']);
  return {
    header: JSON.parse(response.rawPayload.subarray(0, length).toString()),
    data: response.rawPayload.subarray(length),
  };
}

type Output = { name: string; data: (string | number)[] };
/** Same labels; probabilities equal but for FP32 rounding of the binary inputs (5.1 is 5.0999999 in FP32). */
function expectSameOutputs(actual: Output[], expected: Output[]) {
  expect(actual.map((o) => o.name)).toEqual(expected.map((o) => o.name));
  expect(actual[0]!.data).toEqual(expected[0]!.data);
  actual[1]!.data.forEach((p, i) => expect(p).toBeCloseTo(expected[1]!.data[i] as number, 5));
}

describe('Open Inference Protocol: binary tensor data extension', () => {
  const rows = [setosa, virginica].map((row) => features.map((name) => row[name]));

  const binaryTitle =
    'takes binary inputs (with no content type, or octet-stream) and answers as the JSON request is answered';
  it(binaryTitle, async () => {
    const json = await infer('/v2/models/iris/infer', {
      inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: rows.flat() }],
    });
    const header = {
      inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
    };
    for (const contentType of [undefined, 'application/octet-stream']) {
      const binary = await binaryRequest(header, [fp32(rows.flat())], { contentType });
      expect(binary.statusCode).toBe(200);
      expectSameOutputs(binary.json().outputs, json.json().outputs);
    }
    // Per-feature inputs, binary and JSON mixed, in any order.
    const mixed = await binaryRequest(
      {
        inputs: features.map((name, i) =>
          i % 2 === 0
            ? { name, shape: [2, 1], datatype: 'FP32', parameters: { binary_data_size: 8 } }
            : { name, shape: [2, 1], datatype: 'FP32', data: [setosa[name], virginica[name]] },
        ),
      },
      features.filter((_, i) => i % 2 === 0).map((name) => fp32([setosa[name], virginica[name]])),
    );
    expect(mixed.statusCode).toBe(200);
    expectSameOutputs(mixed.json().outputs, json.json().outputs);
  });

  it('answers requested outputs as binary after the JSON header: FP32 probabilities and BYTES labels', async () => {
    const json = (
      await infer('/v2/models/iris/infer', {
        inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: rows.flat() }],
      })
    ).json();
    const response = await binaryRequest(
      {
        inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
        outputs: [
          { name: 'label', parameters: { binary_data: true } },
          { name: 'probabilities', parameters: { binary_data: true } },
        ],
      },
      [fp32(rows.flat())],
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/octet-stream');
    const { header, data } = readBinaryResponse(response);
    expect(header.outputs).toEqual([
      {
        name: 'label',
        datatype: 'BYTES',
        shape: [2],
        parameters: { binary_data_size: byteStrings(json.outputs[0].data).length },
      },
      { name: 'probabilities', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } },
    ]);
    const labels = data.subarray(0, header.outputs[0].parameters.binary_data_size);
    expect(labels.equals(byteStrings(json.outputs[0].data))).toBe(true);
    const probabilities = new Float32Array(new Uint8Array(data.subarray(labels.length)).buffer);
    [...probabilities].forEach((p, i) => expect(p).toBeCloseTo(json.outputs[1].data[i], 5));
    // binary_data_output asks for every output as binary; an output's own binary_data: false wins.
    const some = readBinaryResponse(
      await binaryRequest(
        {
          parameters: { binary_data_output: true },
          inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
          outputs: [{ name: 'label', parameters: { binary_data: false } }, { name: 'probabilities' }],
        },
        [fp32(rows.flat())],
      ),
    );
    expect(some.header.outputs[0]).toEqual(json.outputs[0]);
    expect(some.header.outputs[1].parameters).toEqual({ binary_data_size: 24 });
  });

  it('reads BYTES and integer tensors in their binary layouts', async () => {
    const json = await infer('/v2/models/penguins/infer', {
      inputs: [
        { name: 'island', shape: [2, 1], datatype: 'BYTES', data: ['Torgersen', 'Biscoe'] },
        { name: 'sex', shape: [2, 1], datatype: 'BYTES', data: ['MALE', 'FEMALE'] },
      ],
    });
    const islands = byteStrings(['Torgersen', 'Biscoe']);
    const sexes = byteStrings(['MALE', 'FEMALE']);
    const binary = await binaryRequest(
      {
        inputs: [
          { name: 'island', shape: [2, 1], datatype: 'BYTES', parameters: { binary_data_size: islands.length } },
          { name: 'sex', shape: [2, 1], datatype: 'BYTES', parameters: { binary_data_size: sexes.length } },
        ],
      },
      [islands, sexes],
      { url: '/v2/models/penguins/infer' },
    );
    expect(binary.statusCode).toBe(200);
    expect(binary.json().outputs).toEqual(json.json().outputs);
    const ints = await binaryRequest(
      { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT64', parameters: { binary_data_size: 32 } }] },
      [Buffer.from(BigInt64Array.from([6n, 3n, 5n, 2n]).buffer)],
    );
    const intsJson = await infer('/v2/models/iris/infer', {
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT64', data: [6, 3, 5, 2] }],
    });
    expect(ints.statusCode).toBe(200);
    expect(ints.json().outputs).toEqual(intsJson.json().outputs);
  });

  it.each([
    [
      'a header length past the body',
      () =>
        setup.env.app.inject({
          method: 'POST',
          url: '/v2/models/iris/infer',
          headers: { ...setup.tenant.auth, 'inference-header-content-length': '999' },
          payload: Buffer.from('{}'),
        }),
      'inference-header-content-length',
    ],
    [
      'a size that does not fit the shape',
      () =>
        binaryRequest(
          { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] },
          [fp32([1, 2, 3, 4])],
        ),
      'binary_data_size',
    ],
    [
      'bytes that no input claims',
      () =>
        binaryRequest(
          { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] },
          [fp32([1, 2, 3, 4, 5])],
        ),
      'belong to no input',
    ],
    [
      'a size past the bytes sent',
      () =>
        binaryRequest(
          { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] },
          [fp32([1, 2, 3, 4])],
        ),
      'only 16 follow',
    ],
    [
      'both data and a binary size',
      () =>
        binaryRequest(
          {
            inputs: [
              {
                name: 'input',
                shape: [1, 4],
                datatype: 'FP32',
                data: [1, 2, 3, 4],
                parameters: { binary_data_size: 16 },
              },
            ],
          },
          [fp32([1, 2, 3, 4])],
        ),
      'both data',
    ],
    [
      'a BYTES element cut short',
      () =>
        binaryRequest(
          { inputs: [{ name: 'sepal_length', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 6 } }] },
          [Buffer.from([9, 0, 0, 0, 65, 66])],
        ),
      'past the end',
    ],
    [
      'a binary input without a shape',
      () =>
        binaryRequest({ inputs: [{ name: 'input', datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, [
          fp32([1, 2, 3, 4]),
        ]),
      'inputs.0.shape',
    ],
    [
      'a binary input of an unknown datatype',
      () =>
        binaryRequest(
          { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP8', parameters: { binary_data_size: 4 } }] },
          [Buffer.alloc(4)],
        ),
      'inputs.0.datatype',
    ],
    [
      'a malformed JSON header',
      () =>
        setup.env.app.inject({
          method: 'POST',
          url: '/v2/models/iris/infer',
          headers: { ...setup.tenant.auth, 'inference-header-content-length': '5' },
          payload: Buffer.from('{"inp'),
        }),
      '',
    ],
  ])('answers 400 problem+json for %s', async (_what, send, mentions) => {
    const response = await send();
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.json())).toContain(mentions);
  });
});
