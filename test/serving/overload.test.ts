import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModel, setosa, setupServing, type ServingSetup } from './serving-setup.ts';

let setup: ServingSetup;

// A queue of one instance, and batches that wait for every arriving request: the second
// request to queue behind a waiting one finds the queue full.
beforeAll(async () => {
  setup = await setupServing([{ ...irisModel, model: { type: 'logistic', epochs: 5, seed: 1 } }], {
    PREDICT_MAX_QUEUE: '1',
    PREDICT_BATCH_MAX_WAIT_MS: '1000',
  });
}, 300_000);
afterAll(async () => setup?.close());

const predict = (url = '/v1/models/iris/versions/1:predict') =>
  setup.env.app.inject({ method: 'POST', url, headers: setup.tenant.auth, payload: { instances: [setosa] } });

describe('overload', () => {
  it('answers 503 with Retry-After and problem+json when the prediction queue is full', async () => {
    await predict(); // loads the model, so the burst below meets a full queue, not a load
    const responses = await Promise.all(Array.from({ length: 30 }, () => predict()));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses).toContain(200);
    const rejected = responses.find((response) => response.statusCode === 503)!;
    expect(rejected).toBeDefined();
    expect(rejected.headers['retry-after']).toBe('1');
    expect(rejected.headers['content-type']).toContain('application/problem+json');
    expect(rejected.json()).toMatchObject({
      status: 503,
      code: 'overloaded',
      error: expect.stringContaining('queue is full'),
    });
  });

  it('serves again once the burst is over', async () => {
    const response = await predict();
    expect(response.statusCode).toBe(200);
    expect(response.json().predictions).toHaveLength(1);
  });

  it('answers 503 on the Open Inference Protocol path too', async () => {
    const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        setup.env.app.inject({
          method: 'POST',
          url: '/v2/models/iris/versions/1/infer',
          headers: setup.tenant.auth,
          payload: body,
        }),
      ),
    );
    const rejected = responses.find((response) => response.statusCode === 503);
    expect(rejected?.headers['retry-after']).toBe('1');
    expect(rejected?.json().code).toBe('overloaded');
  });
});
