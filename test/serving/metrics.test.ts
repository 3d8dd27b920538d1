import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModel, setosa, setupServing, virginica, type ServingSetup } from './serving-setup.ts';

let setup: ServingSetup;

beforeAll(async () => {
  setup = await setupServing([{ ...irisModel, model: { type: 'logistic', epochs: 5, seed: 1 } }]);
}, 300_000);
afterAll(async () => setup?.close());

describe('GET /metrics', () => {
  const reportsTitle =
    'is public and reports requests, predictions, batches, queue waits, cache events, jobs and queue depth';
  it(reportsTitle, async () => {
    const predict = () =>
      setup.env.app.inject({
        method: 'POST',
        url: '/v1/models/iris/versions/1:predict',
        headers: setup.tenant.auth,
        payload: { instances: [setosa, virginica] },
      });
    for (let i = 0; i < 3; i++) expect((await predict()).statusCode).toBe(200);
    await Promise.all(Array.from({ length: 5 }, predict));

    const response = await setup.env.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    const project = setup.tenant.projectId;
    expect(text).toMatch(
      new RegExp(
        String.raw`http_request_duration_seconds_count\{project="${project}",method="POST",` +
          String.raw`route="\/v1\/models\/:name\/versions\/:version\(\^\\\\d\+\)::predict",status_code="200"\} 8`,
      ),
    );
    expect(text).toContain(`prediction_duration_seconds_count{project="${project}",model="iris",version="1"} 8`);
    expect(text).toMatch(/^prediction_batch_size_sum 16$/m);
    expect(text).toMatch(/^prediction_queue_wait_seconds_count 8$/m);
    expect(text).toMatch(/model_cache_events_total\{event="load"\} 1/);
    expect(text).toMatch(/model_cache_events_total\{event="hit"\} 7/);
    expect(text).toMatch(/training_jobs\{status="succeeded"\} 1/);
    expect(text).toMatch(/training_jobs\{status="queued"\} 0/);
    expect(text).toMatch(/queue_depth\{queue="[^"]+"\} 0/);
    expect(text).toContain('process_resident_memory_bytes');
  });
});
