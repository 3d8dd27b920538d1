import type { Worker } from 'bullmq';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, uploadCsv, waitForJob } from '../support/training.ts';

/** One real model to train for a serving test: a fixture CSV and the training request. */
export interface ServedModelSpec {
  file: string;
  modelName: string;
  target: string;
  features?: string[];
  model: Record<string, unknown>;
  /** How many versions to train (each a job of its own). Default 1. */
  versions?: number;
}

export interface ServingSetup {
  env: TestEnv;
  tenant: TestTenant;
  close(): Promise<void>;
}

/**
 * A test environment with real models trained through a real worker. The worker is closed as
 * soon as training is done, so it competes with nothing the tests measure.
 */
export async function setupServing(
  specs: ServedModelSpec[],
  overrides: Record<string, string> = {},
): Promise<ServingSetup> {
  const env = await createTestEnv(overrides);
  let worker: Worker | undefined;
  try {
    worker = startWorker(env);
    const tenant = await createTenant(env);
    const datasets = new Map<string, string>();
    for (const spec of specs) {
      const datasetId =
        datasets.get(spec.file) ?? (await uploadCsv(env, tenant, spec.file, spec.file.replace(/\W/g, '-'))).id;
      datasets.set(spec.file, datasetId);
      for (let i = 0; i < (spec.versions ?? 1); i++) {
        const submitted = await env.app.inject({
          method: 'POST',
          url: '/v1/training-jobs',
          headers: tenant.auth,
          payload: {
            datasetId,
            target: spec.target,
            modelName: spec.modelName,
            features: spec.features,
            model: spec.model,
          },
        });
        if (submitted.statusCode !== 202) throw new Error(`training submission failed: ${submitted.body}`);
        const job = await waitForJob(env, tenant, submitted.json().id);
        if (job.status !== 'succeeded') throw new Error(`training failed: ${JSON.stringify(job.error)}`);
      }
    }
    await worker.close();
    worker = undefined;
    return { env, tenant, close: () => env.close() };
  } catch (error) {
    await worker?.close();
    await env.close();
    throw error;
  }
}

/** Iris, a logistic regression trained briefly: good enough to tell setosa from virginica. */
export const irisModel: ServedModelSpec = {
  file: 'tabular/iris.csv',
  modelName: 'iris',
  target: 'species',
  model: { type: 'logistic', epochs: 40, learningRate: 0.1, seed: 7 },
};

/** Penguins, a logistic regression for the species from the given features. */
export const penguinsModel = (features: string[], epochs: number): ServedModelSpec => ({
  file: 'tabular/penguins.csv',
  modelName: 'penguins',
  target: 'species',
  features,
  model: { type: 'logistic', epochs, learningRate: 0.1, seed: 3 },
});

export const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
export const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
