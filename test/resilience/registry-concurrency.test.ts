import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { selectBackend } from '../../src/ml/backend.ts';
import { runTrainingJob, type TrainingContext } from '../../src/training/jobs/run.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { uploadCsv } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let dataset: { id: string };

beforeAll(async () => {
  env = await createTestEnv();
  tenant = await createTenant(env);
  dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  await selectBackend('auto');
});
afterAll(async () => env?.close());

describe('concurrent registry writes', () => {
  it('several jobs for one model finishing at once get versions 1..n, one each, no gaps', async () => {
    const n = 5;
    const jobs = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const response = await env.app.inject({
          method: 'POST',
          url: '/v1/training-jobs',
          headers: tenant.auth,
          payload: {
            datasetId: dataset.id,
            target: 'species',
            modelName: 'shared',
            model: { type: 'logistic', epochs: 2 + (i % 2), seed: i },
          },
        });
        return response.json().id as string;
      }),
    );
    // The runs themselves, all at once in this process: registration races on PostgreSQL alone.
    const ctx = inProcessContext(env);
    expect(await Promise.all(jobs.map((id) => runTrainingJob(ctx, id, { maxAttempts: 3 })))).toEqual(
      Array(n).fill('succeeded'),
    );
    // A second delivery of the same jobs (at-least-once) registers nothing more.
    expect(await Promise.all(jobs.map((id) => runTrainingJob(ctx, id, { maxAttempts: 3 })))).toEqual(
      Array(n).fill('skipped'),
    );
    const versions = await env.deps.db.modelVersion.findMany({
      where: { model: { name: 'shared', projectId: tenant.projectId } },
      orderBy: { version: 'asc' },
    });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(versions.map((v) => v.trainingJobId))).toEqual(new Set(jobs));
    expect(
      (await env.app.inject({ method: 'GET', url: '/v1/models/shared', headers: tenant.auth })).json().latestVersion,
    ).toBe(n);
  });

  it('two jobs of different tasks submitted before their model exists: the second to register fails, naming the conflict', async () => {
    const submit = async (target: string, type: string) => {
      const response = await env.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: tenant.auth,
        payload: { datasetId: dataset.id, target, modelName: 'mixed', model: { type, epochs: 1, seed: 1 } },
      });
      expect(response.statusCode).toBe(202);
      return response.json().id as string;
    };
    // No model named `mixed` yet: submission cannot tell, so both are accepted.
    const classification = await submit('species', 'logistic');
    const regression = await submit('sepal_length', 'linear');
    const ctx = inProcessContext(env);
    expect(await runTrainingJob(ctx, classification, { maxAttempts: 3 })).toBe('succeeded');
    await expect(runTrainingJob(ctx, regression, { maxAttempts: 3 })).rejects.toThrow(/holds classification versions/);
    const failed = await env.deps.db.trainingJob.findUniqueOrThrow({ where: { id: regression } });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'model_task_conflict' } });
    const versions = await env.deps.db.modelVersion.findMany({ where: { model: { name: 'mixed' } } });
    expect(versions.map((v) => v.task)).toEqual(['classification']);
  });

  it('many alias moves at once leave a history where each move starts where the previous ended', async () => {
    const targets = Array.from({ length: 30 }, (_, i) => ((i * 7) % 5) + 1);
    const responses = await Promise.all(
      targets.map((version) =>
        env.app.inject({
          method: 'PUT',
          url: '/v1/models/shared/aliases/production',
          headers: tenant.auth,
          payload: { version },
        }),
      ),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const history = (
      (
        await env.app.inject({
          method: 'GET',
          url: '/v1/models/shared/aliases/production/history',
          headers: tenant.auth,
        })
      ).json().items as Array<{ fromVersion: number | null; toVersion: number }>
    ).reverse();
    expect(history[0]!.fromVersion).toBeNull();
    for (let i = 1; i < history.length; i++) expect(history[i]!.fromVersion).toBe(history[i - 1]!.toVersion);
    // Every answer's previousVersion is some event's fromVersion: no move saw a state the history skips.
    const moves = responses
      .map((r) => r.json() as { version: number; previousVersion: number | null })
      .filter((m) => m.version !== m.previousVersion);
    expect(moves).toHaveLength(history.length);
    const summary = (await env.app.inject({ method: 'GET', url: '/v1/models/shared', headers: tenant.auth })).json();
    expect(summary.aliases.production).toBe(history.at(-1)!.toVersion);
  });
});

/** Runs in this process over the test app's own clients: registration races on PostgreSQL alone. */
function inProcessContext(env: TestEnv): TrainingContext {
  return {
    db: env.deps.db,
    store: env.deps.store,
    logger: createLogger('silent'),
    quotas: env.config,
    maxDurationCapMs: 60_000,
    checkpointEveryEpochs: 1,
    checkpointEveryMs: 60_000,
  };
}
