import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { emptyEvaluation, type VersionEvaluation } from '../../evaluation/plots.ts';
import { inputSchemaDigest } from '../../registry/input-schema-digest.ts';
import { findModel } from '../../registry/model-registry.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses } from '../schemas/common.ts';
import {
  compareQuery,
  compareResponse,
  MAX_COMPARED_VERSIONS,
  versionEvaluationSchema,
} from '../schemas/evaluation.ts';
import { modelParams, versionNumber, versionParams } from '../schemas/models.ts';

/** `1,2,5` -> [1, 2, 5]: distinct version numbers, 1 to MAX_COMPARED_VERSIONS of them, else 400. */
function versionList(text: string | undefined): number[] {
  if (text === undefined)
    throw new ValidationError('`versions` lists the versions to compare, e.g. `?versions=1,2`.', [
      { path: 'versions', message: 'is required' },
    ]);
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map((part) => (/^\d{1,10}$/.test(part) ? Number(part) : NaN));
  const bad = parts.filter((_, i) => !versionNumber.safeParse(numbers[i]).success);
  const issues = [];
  if (bad.length > 0) issues.push({ path: 'versions', message: `not version numbers: ${bad.slice(0, 5).join(', ')}` });
  if (parts.length > MAX_COMPARED_VERSIONS)
    issues.push({ path: 'versions', message: `at most ${MAX_COMPARED_VERSIONS} versions` });
  if (new Set(numbers).size !== numbers.length) issues.push({ path: 'versions', message: 'lists a version twice' });
  if (issues.length > 0) throw new ValidationError('`versions` must list distinct version numbers.', issues);
  return numbers;
}

/** A version's plottable evaluation, and versions side by side. */
export const evaluationRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps: { db } }) => {
  app.get(
    '/v1/models/:name/versions/:version/evaluation',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary:
          'Get the evaluation you can plot: ROC, PR and calibration curves, confusion matrix, epochs, residuals, importance',
        description:
          'Computed on the test split when the version was trained. Fields the version has no data for are null ' +
          '(all but `task` for versions trained before evaluations were stored).',
        params: versionParams,
        response: { 200: versionEvaluationSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const model = await findModel(db, projectOf(request), request.params.name);
      const version = await db.modelVersion.findUnique({
        where: { modelId_version: { modelId: model.id, version: request.params.version } },
        select: { task: true, evaluation: true },
      });
      if (!version) throw new NotFoundError(`Version of model '${model.name}'`, String(request.params.version));
      return {
        ...emptyEvaluation(version.task),
        ...((version.evaluation as unknown as VersionEvaluation | null) ?? {}),
      };
    },
  );

  app.get(
    '/v1/models/:name/compare',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['registry'],
        summary: 'Compare versions: metrics, hyperparameters, datasets and input schemas side by side',
        params: modelParams,
        querystring: compareQuery,
        response: { 200: compareResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      // The model first: another project's model answers 404 whatever the list.
      const model = await findModel(db, projectOf(request), request.params.name);
      const wanted = versionList(request.query.versions);
      const rows = await db.modelVersion.findMany({
        where: { modelId: model.id, version: { in: wanted } },
        omit: { preprocessing: true, evaluation: true },
        include: { aliases: { select: { alias: true } }, dataset: { select: { name: true, version: true } } },
      });
      const byNumber = new Map(rows.map((row) => [row.version, row]));
      const missing = wanted.find((number) => !byNumber.has(number));
      if (missing !== undefined) throw new NotFoundError(`Version of model '${model.name}'`, String(missing));
      return {
        versions: wanted.map((number) => {
          const row = byNumber.get(number)!;
          return {
            version: row.version,
            task: row.task,
            modelType: row.modelType,
            aliases: row.aliases.map((a) => a.alias).sort(),
            metrics: row.metrics as Record<string, unknown>,
            hyperparameters: row.hyperparameters as Record<string, unknown>,
            dataset:
              row.datasetId === null
                ? null
                : { id: row.datasetId, name: row.dataset?.name ?? null, version: row.dataset?.version ?? null },
            trainingJobId: row.trainingJobId,
            inputSchema: row.inputSchema,
            inputSchemaHash: inputSchemaDigest(row.inputSchema),
            outputSchema: row.outputSchema,
            backend: row.backend,
            trainingDurationMs: row.trainingDurationMs,
            createdAt: row.createdAt.toISOString(),
          };
        }),
      };
    },
  );
};
