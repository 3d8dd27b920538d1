import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/api/openapi.ts';
import { operationIdOf, tags } from '../../src/api/openapi-document.ts';
import { redoclyProblems, spectralProblems, type LintProblem } from '../support/openapi-lint.ts';

/**
 * What the linters may still say, each with its reason; anything else fails the test.
 * - The probes answer 200 or 503 and nothing else: a 4XX response would be invented.
 * - No licence or contact has been chosen for the project: the document must not invent one.
 */
const accepted: { linter: string; rule: string; where?: RegExp; why: string }[] = [
  {
    linter: 'redocly',
    rule: 'operation-4xx-response',
    where: /^#\/paths\/~1(healthz|readyz|v2|v2~1health~1(live|ready))\/get\/responses$/,
    why: 'probes answer only 200 or 503',
  },
  { linter: 'redocly', rule: 'info-license', why: 'no licence chosen for the project yet' },
  { linter: 'spectral', rule: 'info-contact', why: 'no contact chosen for the project yet' },
];

const isAccepted = (problem: LintProblem) =>
  accepted.some(
    (rule) =>
      rule.linter === problem.linter && rule.rule === problem.rule && (!rule.where || rule.where.test(problem.where)),
  );

const load = async () => readFile(openApiPath, 'utf8');

type Operation = { operationId?: string; description?: string; tags?: string[]; security?: unknown[] };
const operationsOf = (document: { paths: Record<string, Record<string, Operation>> }) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ path, method, operation })),
  );

describe('openapi.yaml against the linters (offline)', () => {
  it("is clean under Redocly's recommended rules and Spectral's spectral:oas", async () => {
    const source = await load();
    const problems = [...(await redoclyProblems(source)), ...(await spectralProblems(source))];
    expect(problems.filter((problem) => !isAccepted(problem))).toEqual([]);
  });

  it('fails a route without an operationId, description or declared tag (the linters are live)', async () => {
    const document = parse(await load());
    const health = document.paths['/healthz'].get;
    delete health.operationId;
    delete health.description;
    health.tags = ['undeclared'];
    const source = stringify(document);
    const rules = [...(await redoclyProblems(source)), ...(await spectralProblems(source))]
      .filter((problem) => !isAccepted(problem))
      .map((problem) => `${problem.linter} ${problem.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'redocly operation-operationId',
        'spectral operation-operationId',
        'spectral operation-description',
        'spectral operation-tag-defined',
      ]),
    );
  });
});

describe('what the document promises clients', () => {
  it('gives every operation a unique camelCase operationId, a description and declared tags', async () => {
    const document = parse(await load());
    const ids = operationsOf(document).map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of operationsOf(document)) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(operation.description, `${method} ${path}`).toBeTruthy();
      for (const tag of operation.tags ?? []) expect(Object.keys(tags)).toContain(tag);
    }
    expect(document.servers.length).toBeGreaterThan(0);
  });

  it('marks exactly the public routes `security: []`', async () => {
    const document = parse(await load());
    const open = operationsOf(document)
      .filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(({ method, path }) => `${method} ${path}`)
      .sort();
    expect(open).toEqual(
      ['get /healthz', 'get /readyz', 'get /metrics', 'get /v2', 'get /v2/health/live', 'get /v2/health/ready'].sort(),
    );
  });

  it('derives operation ids from the method and path, for routes still to come too', () => {
    expect(operationIdOf('GET', '/v1/models/{name}/versions')).toBe('listModelVersions');
    expect(operationIdOf('GET', '/v1/models/{name}/versions/{version}/evaluation')).toBe('getModelVersionEvaluation');
    expect(operationIdOf('POST', '/v1/models/{name}/labels/{alias}:explain')).toBe('explainModelLabel');
    expect(operationIdOf('POST', '/v1/training-jobs')).toBe('createTrainingJob');
    expect(operationIdOf('POST', '/v1/training-jobs/{id}/cancel')).toBe('cancelTrainingJob');
    expect(operationIdOf('PUT', '/v1/models/{name}/aliases/{alias}')).toBe('setModelAlias');
    expect(operationIdOf('GET', '/v2/models/{name}/versions/{version}/ready')).toBe('getV2ModelVersionReady');
    // A path the rule cannot name gets none, so the lint test above fails until the route names one.
    expect(operationIdOf('GET', '/v1/files/*')).toBeUndefined();
  });

  it('leaves out of request bodies what has a default (generators make such members optional)', async () => {
    const document = parse(await load());
    const body = document.paths['/v1/training-jobs'].post.requestBody.content['application/json'].schema;
    expect(body.$ref).toBeUndefined();
    const mlp = body.properties.model.oneOf.find(
      (variant: { properties: { type: { const?: string } } }) => variant.properties.type.const === 'mlp',
    );
    expect(mlp.properties.epochs.default).toBeDefined();
    expect(mlp.required ?? []).not.toContain('epochs');
  });
});
