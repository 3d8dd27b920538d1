import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../errors.ts';
import {
  defaultQuotas,
  effectiveLimits,
  overridesOf,
  QUOTA_NAMES,
  type QuotaOverrides,
} from '../../quotas/quota-limits.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses, idParams } from '../schemas/common.ts';

const quotaDescriptions = {
  storedBytes: 'Bytes of stored datasets',
  datasets: 'Stored datasets (each version counts)',
  models: 'Models (names), including those unfinished jobs will create',
  versions: 'Model versions, including those unfinished jobs will create',
  concurrentJobs: 'Training jobs running at once; further jobs wait',
  trainingMinutesPerDay: 'Minutes of training per UTC day, running jobs included',
  predictionsPerMinute: 'Prediction requests per minute',
} as const;

const quotaValues = <T extends z.ZodType>(value: (name: keyof typeof quotaDescriptions) => T) =>
  z.object(
    Object.fromEntries(QUOTA_NAMES.map((name) => [name, value(name).describe(quotaDescriptions[name])])) as Record<
      (typeof QUOTA_NAMES)[number],
      T
    >,
  );

const limit = () => z.number().int().nullable();
const overridesBody = quotaValues(() => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional())
  .strict()
  .meta({
    id: 'QuotaOverrides',
    description:
      "The project's quotas, replacing any set before: 0 is unlimited; null or absent is the configured default",
  });

const projectQuotasSchema = z
  .object({
    projectId: z.string(),
    overrides: quotaValues(limit).describe('What the operator set for the project (null: the configured default)'),
    limits: quotaValues(limit).describe('The limits in force (null: unlimited)'),
  })
  .meta({ id: 'ProjectQuotas' });

const quotaUsageSchema = z.object({
  limit: z.number().int().nullable().describe('null: unlimited'),
  usage: z.number(),
  resetsAt: z.iso.datetime().optional().describe('When the usage of a quota over time starts again from zero'),
});
const usageSchema = z
  .object({ projectId: z.string(), quotas: quotaValues(() => quotaUsageSchema) })
  .meta({ id: 'ProjectUsage' });

export const quotaRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps: { db, config, quotas } }) => {
  const answer = (projectId: string, overrides: QuotaOverrides) => ({
    projectId,
    overrides,
    limits: effectiveLimits(defaultQuotas(config), overrides),
  });
  const assertProject = async (id: string) => {
    if (!(await db.project.findUnique({ where: { id }, select: { id: true } }))) throw new NotFoundError('Project', id);
  };

  app.get(
    '/v1/admin/projects/:id/quotas',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['quotas'],
        operationId: 'getAdminProjectQuotas',
        summary: "A project's quotas: the operator's overrides and the limits in force (admin token)",
        params: idParams,
        response: { 200: projectQuotasSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      await assertProject(request.params.id);
      const row = await db.projectQuota.findUnique({ where: { projectId: request.params.id } });
      return answer(request.params.id, overridesOf(row));
    },
  );

  app.put(
    '/v1/admin/projects/:id/quotas',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['quotas'],
        summary: "Set a project's quotas (admin token)",
        params: idParams,
        body: overridesBody,
        response: { 200: projectQuotasSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const projectId = request.params.id;
      await assertProject(projectId);
      const overrides = overridesOf(request.body);
      const data = { ...overrides, storedBytes: overrides.storedBytes === null ? null : BigInt(overrides.storedBytes) };
      await db.projectQuota.upsert({ where: { projectId }, create: { projectId, ...data }, update: data });
      quotas.invalidate(projectId);
      return answer(projectId, overrides);
    },
  );

  app.get(
    '/v1/project/usage',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['quotas'],
        summary: "Every quota of the caller's project with its limit and usage",
        response: { 200: usageSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      return { projectId, quotas: await quotas.usage(projectId) };
    },
  );
};
