import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestEnv, TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, uploadCsv } from '../support/training.ts';
import { expectResumedToOneVersion, killTrainingChild, longJob, waitForCheckpoint } from './jobs.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv({ CHECKPOINT_EVERY_EPOCHS: '2' }));
});
afterAll(() => close?.());

const TITLE =
  'kill -9 of the training child: the attempt fails, is retried, and resumes from its checkpoint to one version';

it(TITLE, async () => {
  const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const submitted = await env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: tenant.auth,
    payload: longJob(dataset.id, 'crash-child'),
  });
  expect(submitted.statusCode).toBe(202);
  const id = submitted.json().id as string;

  const child = await killTrainingChild(await waitForCheckpoint(env.deps.db, id, 4));

  const done = await expectResumedToOneVersion(env, tenant, id, {
    model: 'crash-child',
    epochs: 40,
    resumedAtLeast: 4,
  });
  expect(done.progress.runs![1]!.pid).not.toBe(child);
});
