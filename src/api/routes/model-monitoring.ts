import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { DEFAULT_THRESHOLDS, type MonitorThresholds } from '../../monitoring/drift-report.ts';
import { recordFeedback } from '../../monitoring/ground-truth.ts';
import { liveTraffic } from '../../monitoring/live-traffic.ts';
import { datasetFromPredictionLog } from '../../monitoring/log-dataset.ts';
import { getLogging, setLogging } from '../../monitoring/prediction-logging.ts';
import {
  disableMonitoring,
  enableMonitoring,
  getMonitoring,
  runMonitoring,
  toAlert,
} from '../../monitoring/version-monitoring.ts';
import { findModel } from '../../registry/model-registry.ts';
import { projectOf } from '../plugins/auth.ts';
import { errorResponses } from '../schemas/common.ts';
import { datasetSchema, toDataset } from '../schemas/datasets.ts';
import {
  alertSchema,
  alertsQuery,
  feedbackBody,
  feedbackSchema,
  liveTrafficSchema,
  logDatasetBody,
  loggingBody,
  loggingSchema,
  monitoringBody,
  monitoringRunSchema,
  monitoringSchema,
  windowQuery,
} from '../schemas/model-monitoring.ts';
import { modelParams, versionParams } from '../schemas/models.ts';
import { z } from 'zod';

/**
 * Models in production: prediction logging and ground truth, live per-version traffic, drift
 * monitoring and its alerts, and datasets made from logged traffic (src/monitoring).
 */
export const modelMonitoringRoutes: FastifyPluginAsyncZod<{ deps: Deps }> = async (app, { deps }) => {
  const { db, store, config, quotas, routeChanges } = deps;

  app.put(
    '/v1/models/:name/logging',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['monitoring'],
        summary: "Log a share of the model's prediction requests and answers (0 turns logging off)",
        description:
          'Logged requests and answers are written asynchronously, in batches, to the artifact store ' +
          '(encrypted at rest); their answers carry `predictionIds` for ground truth. Aliases and the default ' +
          'version apply a change from the next request, numbered version paths within seconds.',
        params: modelParams,
        body: loggingBody,
        response: { 200: loggingSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const projectId = projectOf(request);
      const logging = await setLogging(db, projectId, request.params.name, request.body.sampleRate);
      await routeChanges.changed({ projectId, model: request.params.name });
      return logging;
    },
  );

  app.get(
    '/v1/models/:name/logging',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['monitoring'],
        summary: "The model's prediction logging rate",
        params: modelParams,
        response: { 200: loggingSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => getLogging(db, projectOf(request), request.params.name),
  );

  app.post(
    '/v1/models/:name/feedback',
    {
      config: { auth: 'predict' },
      schema: {
        tags: ['monitoring'],
        summary: 'Post ground truth for logged predictions (by the `predictionIds` their answers gave)',
        params: modelParams,
        body: feedbackBody,
        response: { 200: feedbackSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => recordFeedback(db, projectOf(request), request.params.name, request.body.items),
  );

  app.get(
    '/v1/models/:name/traffic',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['monitoring'],
        summary:
          'Live traffic per version: requests, latency percentiles, error rate, answer distribution, live accuracy',
        description:
          'Counts traffic of split or shadowed aliases and of logged models (a plain alias of an unlogged model ' +
          'records nothing). Replicas write their counts every PREDICTION_LOG_FLUSH_MS.',
        params: modelParams,
        querystring: windowQuery,
        response: { 200: liveTrafficSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => liveTraffic(db, projectOf(request), request.params.name, request.query.windowMinutes),
  );

  app.put(
    '/v1/models/:name/versions/:version/monitoring',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['monitoring'],
        summary: "Monitor a version's inputs and answers for drift from its training data",
        description:
          'Builds the training profile from the version’s dataset (numbers: decile bins and a quantile sample; ' +
          'categories: shares) and stores it with the window and thresholds. Needs prediction logging (409 ' +
          'otherwise) and tabular features (422 otherwise). Default thresholds: PSI 0.2, missing-rate rise 0.1, ' +
          'unseen categories 0.05, answers PSI 0.2; JS and KS are reported.',
        params: versionParams,
        body: monitoringBody,
        response: { 200: monitoringSchema, ...errorResponses(400, 404, 409, 422) },
      },
    },
    async (request) => {
      const { windowMinutes, minSamples, thresholds } = request.body;
      const resolved: MonitorThresholds = {
        features: { ...DEFAULT_THRESHOLDS.features, ...thresholds.features },
        perFeature: thresholds.perFeature ?? {},
        prediction: { ...DEFAULT_THRESHOLDS.prediction, ...thresholds.prediction },
      };
      return enableMonitoring(db, store, projectOf(request), request.params.name, request.params.version, {
        windowMinutes,
        minSamples,
        thresholds: resolved,
      });
    },
  );

  app.get(
    '/v1/models/:name/versions/:version/monitoring',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['monitoring'],
        summary: "A version's drift monitoring settings",
        params: versionParams,
        response: { 200: monitoringSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => getMonitoring(db, projectOf(request), request.params.name, request.params.version),
  );

  app.delete(
    '/v1/models/:name/versions/:version/monitoring',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['monitoring'],
        summary: 'Stop monitoring a version (its alerts are kept)',
        params: versionParams,
        response: { 200: monitoringSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => disableMonitoring(db, projectOf(request), request.params.name, request.params.version),
  );

  app.post(
    '/v1/models/:name/versions/:version/monitoring/run',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['monitoring'],
        summary: "Compare the version's logged traffic over its window with its training profile now",
        description:
          'Per feature: PSI, Jensen-Shannon, KS (numbers), missing rate, unseen categories; and the answers ' +
          'against the training target. Every threshold crossed is stored as an alert (GET .../alerts).',
        params: versionParams,
        response: { 200: monitoringRunSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => runMonitoring(db, store, projectOf(request), request.params.name, request.params.version),
  );

  app.get(
    '/v1/models/:name/alerts',
    {
      config: { auth: 'read' },
      schema: {
        tags: ['monitoring'],
        summary: "The model's drift alerts, newest first",
        params: modelParams,
        querystring: alertsQuery,
        response: { 200: z.object({ items: z.array(alertSchema) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const model = await findModel(db, projectOf(request), request.params.name);
      const { version, limit } = request.query;
      const rows = await db.monitoringAlert.findMany({
        where: { modelId: model.id, ...(version === undefined ? {} : { version: { version } }) },
        orderBy: { createdAt: 'desc' },
        take: limit,
        include: { version: { select: { version: true } } },
      });
      return { items: rows.map((row) => toAlert(model.name, row.version.version, row)) };
    },
  );

  app.post(
    '/v1/models/:name/prediction-logs/dataset',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['monitoring'],
        summary: "Make a dataset for retraining from the model's logged traffic",
        description:
          'One row per logged instance over the window (shadow copies left out): its features and the target ' +
          'column holding the ground truth posted for it (only labelled rows unless `labeledOnly` is false).',
        params: modelParams,
        body: logDatasetBody,
        response: { 201: datasetSchema, ...errorResponses(400, 404, 413) },
      },
    },
    async (request, reply) => {
      const projectId = projectOf(request);
      const { name, windowMinutes, labeledOnly } = request.body;
      const record = await datasetFromPredictionLog(db, store, projectId, request.params.name, {
        datasetName: name,
        windowMinutes,
        labeledOnly,
        maxBytes: config.MAX_UPLOAD_BYTES,
        quotas: await quotas.limits(projectId),
      });
      return reply.code(201).header('location', `/v1/datasets/${record.id}`).send(toDataset(record));
    },
  );
};
