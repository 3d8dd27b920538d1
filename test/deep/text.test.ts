import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, getVersion, trainToSuccess, uploadFixture, waitForJob } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;
let datasetId: string;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  datasetId = (await uploadFixture(env, tenant, 'text/topics.ndjson', 'topics')).id;
});
afterAll(() => close?.());

const post = (url: string, payload: unknown) =>
  env.app.inject({ method: 'POST', url, headers: tenant.auth, payload: payload as object });

/** Share of the most frequent class among the test rows (what always answering it scores). */
function majorityRate(metrics: { perClass: { support: number }[] }): number {
  const supports = metrics.perClass.map((c) => c.support);
  return Math.max(...supports) / supports.reduce((a, b) => a + b, 0);
}

describe('text datasets: NDJSON -> transformer job -> version -> predict with strings', () => {
  it('trains a transformer whose held-out accuracy clearly beats the majority class', async () => {
    const job = await trainToSuccess(env, tenant, {
      datasetId,
      target: 'topic',
      modelName: 'topics',
      model: {
        type: 'transformer',
        embedDim: 16,
        numHeads: 2,
        ffDim: 32,
        epochs: 25,
        batchSize: 16,
        learningRate: 0.01,
        seed: 1,
        text: { maxTokens: 1000, maxLength: 16 },
      },
    });
    const majority = majorityRate(job.metrics);
    console.log(
      `topics transformer: accuracy ${job.metrics.accuracy.toFixed(3)} vs majority ${majority.toFixed(3)} ` +
        `(n=${job.metrics.n})`,
    );
    expect(job.metrics.accuracy).toBeGreaterThan(majority + 0.25);
    const version = await getVersion(env, tenant, 'topics');
    // The vocabulary was fitted on the training split and saved with the version.
    expect(version.preprocessing).toMatchObject({
      kind: 'text',
      feature: 'text',
      vectorizer: { config: { maxTokens: 1000, maxLength: 16 } },
    });
  });

  it('predicts plain strings and {"text": ...} objects, loading the custom attention layers', async () => {
    const response = await post('/v1/models/topics/versions/1:predict', {
      instances: [
        'The goalkeeper saved a penalty in the final minute of the match.',
        { text: 'Whisk the eggs with sugar and bake the cake in a hot oven.' },
        'The astronauts docked with the space station after the launch.',
      ],
    });
    expect(response.statusCode).toBe(200);
    const labels = response.json().predictions.map((p: { label: string }) => p.label);
    expect(
      labels.filter((label: string, i: number) => label === ['sport', 'cooking', 'space'][i]).length,
    ).toBeGreaterThanOrEqual(2);
    // TF Serving's binary value under the input name reads as the UTF-8 text it encodes.
    const b64 = (text: string) => ({ text: { b64: Buffer.from(text, 'utf8').toString('base64') } });
    const binary = await post('/v1/models/topics/versions/1:predict', {
      instances: [
        b64('The goalkeeper saved a penalty in the final minute of the match.'),
        b64('Whisk the eggs with sugar and bake the cake in a hot oven.'),
        b64('The astronauts docked with the space station after the launch.'),
      ],
    });
    expect(binary.statusCode).toBe(200);
    expect(binary.json().predictions).toEqual(response.json().predictions);
  });

  it('answers a non-string instance with 400 naming the instance and field', async () => {
    const response = await post('/v1/models/topics/versions/1:predict', {
      instances: ['fine', { text: 42 }, { words: 'x' }],
    });
    expect(response.statusCode).toBe(400);
    const issues = JSON.stringify(response.json().issues);
    expect(issues).toContain('instances.1.text');
    expect(issues).toContain('instances.2.words');
  });

  it('auto on a text dataset trains a text model', async () => {
    const submitted = await post('/v1/training-jobs', {
      datasetId,
      target: 'topic',
      modelName: 'topics-auto',
      model: { type: 'auto', epochs: 30, batchSize: 16, learningRate: 0.01, seed: 2 },
    });
    const job = await waitForJob(env, tenant, submitted.json().id);
    expect(job.status).toBe('succeeded');
    const version = await getVersion(env, tenant, 'topics-auto');
    expect(version.modelType).toBe('cnn');
    console.log(
      `topics auto (1-D cnn): accuracy ${job.metrics.accuracy.toFixed(3)} ` +
        `vs majority ${majorityRate(job.metrics).toFixed(3)}`,
    );
    expect(job.metrics.accuracy).toBeGreaterThan(majorityRate(job.metrics) + 0.25);
  });
});
