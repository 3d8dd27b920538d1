import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { postDataset } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;

// No worker runs in this file: accepted jobs stay queued, holding their dataset.
beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
});
afterAll(() => env?.close());

const CSV = 'x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\n10,b\n';
const ROUNDS = 30;

describe('a training job submitted while its dataset is deleted', () => {
  it('either is accepted and keeps the dataset, or is refused because the dataset is gone; never a 5xx', async () => {
    const outcomes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const uploaded = await postDataset(env, tenant.auth, `race-${round}`, CSV, 'text/csv');
      expect(uploaded.statusCode).toBe(201);
      const datasetId = uploaded.json().id as string;
      const [submitted, deleted] = await Promise.all([
        env.app.inject({
          method: 'POST',
          url: '/v1/training-jobs',
          headers: tenant.auth,
          payload: { datasetId, target: 'y', modelName: 'race', model: { type: 'logistic', epochs: 1 } },
        }),
        env.app.inject({ method: 'DELETE', url: `/v1/datasets/${datasetId}`, headers: tenant.auth }),
      ]);
      const outcome = `${submitted.statusCode}/${deleted.statusCode}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect(submitted.statusCode, submitted.body).toBeLessThan(500);
      expect(deleted.statusCode, deleted.body).toBeLessThan(500);
      if (submitted.statusCode === 202) {
        // The job won: the deletion is refused, and the job still has its dataset to train on.
        expect(deleted.json()).toMatchObject({ status: 409, code: 'dataset_in_use' });
        const job = await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: submitted.json().id } });
        expect(job.datasetId).toBe(datasetId);
      } else {
        // The deletion won: the job is refused and nothing of it is kept.
        expect(deleted.statusCode).toBe(200);
        expect(submitted.json()).toMatchObject({ status: 422, code: 'unknown_dataset' });
        expect(await env.deps.db.trainingJob.count({ where: { datasetId } })).toBe(0);
      }
    }
    expect([...outcomes.values()].reduce((a, b) => a + b)).toBe(ROUNDS);
    // Every accepted job's row (no orphan without a dataset) is the whole of the table.
    expect(await env.deps.db.trainingJob.count({ where: { datasetId: null } })).toBe(0);
  });
});
