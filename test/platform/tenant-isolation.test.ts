import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/api/openapi.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, trainToSuccess, uploadCsv } from '../support/training.ts';

/**
 * Walks every operation of the committed OpenAPI document as one tenant, with another tenant's
 * ids in every path parameter, so a route added later without a project check fails here.
 * A project's resources must be invisible to another project: 404, never its data, and nothing
 * of the owner's changes. Operator routes (admin token only) answer 401/403 to a project key.
 */

interface Operation {
  security?: unknown[];
  tags?: string[];
}

const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/v2', '/v2/health/live', '/v2/health/ready']);

describe('tenant isolation over every route of the OpenAPI document', () => {
  let env: TestEnv;
  let owner: TestTenant;
  let other: TestTenant;
  const ownerIds: Record<string, string> = {};
  const ownerModel = 'isolation-owner-model';

  beforeAll(async () => {
    env = await createTestEnv();
    const worker = startWorker(env);
    try {
      owner = await createTenant(env, ['read', 'write', 'predict', 'admin']);
      other = await createTenant(env, ['read', 'write', 'predict', 'admin']);
      const dataset = await uploadCsv(env, owner, 'tabular/iris.csv', 'iris');
      ownerIds.dataset = dataset.id;
      const job = await trainToSuccess(env, owner, {
        datasetId: dataset.id,
        target: 'species',
        modelName: ownerModel,
        model: { type: 'logistic', epochs: 2 },
      });
      ownerIds.job = job.id;
      const alias = await env.app.inject({
        method: 'PUT',
        url: `/v1/models/${ownerModel}/aliases/production`,
        headers: owner.auth,
        payload: { version: 1 },
      });
      expect(alias.statusCode).toBe(200);
      const keys = await env.app.inject({
        method: 'GET',
        url: `/v1/projects/${owner.projectId}/api-keys`,
        headers: { authorization: `Bearer ${env.adminToken}` },
      });
      ownerIds.key = keys.json().items[0].id;
      // No batch worker runs: the batch prediction stays queued, which is all the walk needs.
      const batch = await env.app.inject({
        method: 'POST',
        url: '/v1/batch-predictions',
        headers: owner.auth,
        payload: { model: ownerModel, datasetId: dataset.id },
      });
      expect(batch.statusCode).toBe(202);
      ownerIds.batch = batch.json().id;
      const webhook = await env.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: owner.auth,
        payload: { url: 'https://example.com/hooks', events: ['job.failed'] },
      });
      expect(webhook.statusCode).toBe(201);
      ownerIds.webhook = webhook.json().id;
    } finally {
      await worker.close();
    }
    // A search of the owner's, left queued (no worker runs it): its id is walked like the others.
    const tuning = await env.app.inject({
      method: 'POST',
      url: '/v1/tuning-jobs',
      headers: owner.auth,
      payload: {
        datasetId: ownerIds.dataset,
        target: 'species',
        modelName: ownerModel,
        model: { type: 'logistic', epochs: 2 },
        searchSpace: { learningRate: { type: 'float', min: 0.01, max: 0.1 } },
        maxTrials: 1,
      },
    });
    expect(tuning.statusCode).toBe(202);
    ownerIds.tuning = tuning.json().id;
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  /** The owner's value for a path parameter, by the parameter's name and the path it sits in. */
  function ownerValue(path: string, param: string): string {
    if (param === 'name') return ownerModel;
    if (param === 'version') return '1';
    if (param === 'alias') return 'production';
    if (param === 'keyId') return ownerIds.key!;
    if (param === 'id' && path.startsWith('/v1/datasets/')) return ownerIds.dataset!;
    if (param === 'id' && path.startsWith('/v1/training-jobs/')) return ownerIds.job!;
    if (param === 'id' && path.startsWith('/v1/tuning-jobs/')) return ownerIds.tuning!;
    if (param === 'id' && path.startsWith('/v1/batch-predictions/')) return ownerIds.batch!;
    if (param === 'id' && path.startsWith('/v1/webhooks/')) return ownerIds.webhook!;
    if (param === 'id' && path.startsWith('/v1/projects/')) return owner.projectId;
    if (param === 'id' && path.includes('/projects/')) return owner.projectId;
    throw new Error(`No owner value for {${param}} in ${path}: teach the isolation walk what it names`);
  }

  /** A body the owner could have sent, so a refusal cannot come from the body alone. */
  function plausibleBody(path: string, method: string): unknown {
    if (method === 'get' || method === 'delete') return undefined;
    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    if (path.endsWith(':predict') || path.endsWith(':explain')) return { instances: [row] };
    if (path.endsWith(':classify') || path.endsWith(':regress')) return { examples: [row] };
    if (path.endsWith('/infer')) {
      return { inputs: [{ name: 'sepal_length', shape: [1], datatype: 'FP32', data: [5.1] }] };
    }
    if (path.includes('/aliases/')) return { version: 1 };
    if (path.endsWith('/logging')) return { sampleRate: 1 };
    if (path.endsWith('/feedback')) return { items: [{ predictionId: 'p-1', label: 'setosa' }] };
    if (path.endsWith('/prediction-logs/dataset')) return { name: 'retraining' };
    return {};
  }

  // First, so the caller's own audit trail does not yet hold the owner's ids it sent in the walk.
  it('lists nothing of another project', async () => {
    const document = parse(await readFile(openApiPath, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
    };
    for (const [template, operations] of Object.entries(document.paths)) {
      if (PUBLIC_PATHS.has(template) || template.includes('{') || !operations.get) continue;
      const response = await env.app.inject({ method: 'GET', url: template, headers: other.auth });
      for (const id of [...Object.values(ownerIds), owner.projectId]) {
        expect.soft(response.body, `GET ${template} leaked an owner id`).not.toContain(id);
      }
      expect.soft(response.body, `GET ${template} named the owner's model`).not.toContain(ownerModel);
    }
  });

  it('answers 404 (or 401/403 on operator routes) for another project’s resources and changes nothing', async () => {
    const document = parse(await readFile(openApiPath, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const walked: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      if (PUBLIC_PATHS.has(template) || template.startsWith('/docs')) continue;
      const params = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      if (params.length === 0) continue; // lists: checked below for leaked ids
      const url = params.reduce(
        (path, param) => path.replace(`{${param}}`, encodeURIComponent(ownerValue(template, param))),
        template,
      );
      for (const method of Object.keys(operations)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const body = plausibleBody(template, method);
        const response = await env.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: other.auth,
          ...(body === undefined ? {} : { payload: body as object }),
        });
        const operatorRoute = template.startsWith('/v1/projects') || template.startsWith('/v1/admin');
        const allowed = operatorRoute ? [401, 403, 404] : [404];
        expect
          .soft(allowed, `${method.toUpperCase()} ${template} answered ${response.statusCode}: ${response.body}`)
          .toContain(response.statusCode);
        // An id the caller sent may be echoed in the problem's detail; any other is a leak.
        for (const id of Object.values(ownerIds).filter((id) => !url.includes(id))) {
          expect.soft(response.body, `${method.toUpperCase()} ${template} leaked an owner id`).not.toContain(id);
        }
        walked.push(`${method} ${template}`);
      }
    }
    expect(walked.length).toBeGreaterThan(20);

    // Nothing of the owner's changed: the dataset, the job, the version and the alias are all there.
    const get = (url: string) => env.app.inject({ method: 'GET', url, headers: owner.auth });
    expect((await get(`/v1/datasets/${ownerIds.dataset}`)).statusCode).toBe(200);
    expect((await get(`/v1/batch-predictions/${ownerIds.batch}`)).json().cancelRequested).toBe(false);
    expect((await get(`/v1/webhooks/${ownerIds.webhook}`)).statusCode).toBe(200);
    expect((await get(`/v1/training-jobs/${ownerIds.job}`)).json().status).toBe('succeeded');
    expect((await get(`/v1/models/${ownerModel}/versions/1`)).statusCode).toBe(200);
    expect((await get(`/v1/models/${ownerModel}/labels/production/metadata`)).json().model_spec.version).toBe('1');
  });
});
