import type { Database } from '../db/client.ts';
import { enqueueWebhookEvent } from '../webhooks/events.ts';
import type { Prisma } from '../db/client.ts';
import { readStoredRows } from '../datasets/stored-rows.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { InputSchema, OutputSchema } from '../preprocessing/preprocessing-state.ts';
import { findModel } from '../registry/model-registry.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import {
  DEFAULT_THRESHOLDS,
  driftReport,
  type DriftStatistic,
  type FeatureDrift,
  type MonitorThresholds,
} from './drift-report.ts';
import { namedInstance, readPredictionLog } from './prediction-log.ts';
import { answered } from './traffic-recorder.ts';
import { buildTrainingReference, type TrainingReference } from './training-reference.ts';

export interface MonitorSettings {
  windowMinutes: number;
  minSamples: number;
  thresholds: MonitorThresholds;
}

const TABULAR_TYPES = new Set(['number', 'integer', 'boolean', 'categorical']);

async function findVersion(db: Database, projectId: string, name: string, version: number) {
  const model = await findModel(db, projectId, name);
  const row = await db.modelVersion.findUnique({
    where: { modelId_version: { modelId: model.id, version } },
    select: { id: true, version: true, inputSchema: true, outputSchema: true, datasetId: true },
  });
  if (!row) throw new NotFoundError(`Version of model '${name}'`, String(version));
  return { model, row };
}

/**
 * Starts (or reconfigures) drift monitoring of a version. The training profile it compares
 * with is built here from the version's training dataset (kept while the version exists) and
 * stored with the settings, so each run reads only recent traffic. Monitoring reads the
 * prediction log: refused while the model logs nothing.
 */
export async function enableMonitoring(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  name: string,
  version: number,
  settings: MonitorSettings,
) {
  const { model, row } = await findVersion(db, projectId, name, version);
  if (model.logSampleRate <= 0)
    throw new ConflictError(
      'prediction_logging_off',
      `Model '${name}' logs no predictions; turn logging on (PUT /v1/models/${name}/logging) to monitor it.`,
    );
  const inputSchema = row.inputSchema as unknown as InputSchema;
  const features = Array.isArray(inputSchema?.features) ? inputSchema.features : [];
  if (features.length === 0 || !features.every((f) => TABULAR_TYPES.has(f.type)))
    throw new UnprocessableError(
      'monitoring_unsupported',
      `Version ${version} of '${name}' does not take tabular features; drift monitoring compares tabular inputs.`,
    );
  if (row.datasetId === null)
    throw new UnprocessableError(
      'monitoring_unsupported',
      `Version ${version} of '${name}' was imported: it has no training dataset to compare traffic with.`,
    );
  const dataset = await db.dataset.findUniqueOrThrow({ where: { id: row.datasetId } });
  const rows = await readStoredRows(store, dataset);
  const reference = buildTrainingReference(rows, inputSchema, row.outputSchema as unknown as OutputSchema);
  const data = {
    windowMinutes: settings.windowMinutes,
    minSamples: settings.minSamples,
    thresholds: settings.thresholds as unknown as Prisma.InputJsonValue,
    reference: reference as unknown as Prisma.InputJsonValue,
  };
  const saved = await db.versionMonitor.upsert({
    where: { versionId: row.id },
    create: { versionId: row.id, ...data },
    update: data,
  });
  return describeMonitor(name, version, saved);
}

type MonitorRow = {
  windowMinutes: number;
  minSamples: number;
  thresholds: unknown;
  reference: unknown;
  lastRunAt: Date | null;
  createdAt: Date;
};

function describeMonitor(name: string, version: number, row: MonitorRow) {
  const reference = row.reference as TrainingReference;
  return {
    model: name,
    version,
    windowMinutes: row.windowMinutes,
    minSamples: row.minSamples,
    thresholds: row.thresholds as MonitorThresholds,
    trainingRows: reference.rows,
    features: Object.keys(reference.features),
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function getMonitoring(db: Database, projectId: string, name: string, version: number) {
  const { row } = await findVersion(db, projectId, name, version);
  const monitor = await db.versionMonitor.findUnique({ where: { versionId: row.id } });
  if (!monitor) throw new NotFoundError(`Monitoring of version ${version} of model '${name}'`, String(version));
  return describeMonitor(name, version, monitor);
}

export async function disableMonitoring(db: Database, projectId: string, name: string, version: number) {
  const described = await getMonitoring(db, projectId, name, version);
  const { row } = await findVersion(db, projectId, name, version);
  await db.versionMonitor.delete({ where: { versionId: row.id } });
  return described;
}

export interface MonitoringRun {
  model: string;
  version: number;
  windowStart: string;
  windowEnd: string;
  samples: number;
  /** False when the window held fewer than `minSamples` instances: nothing was judged. */
  judged: boolean;
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
  alerts: StoredAlert[];
}

export type StoredAlert = {
  id: string;
  model: string;
  version: number;
  feature: string;
  statistic: DriftStatistic;
  value: number;
  threshold: number;
  samples: number;
  windowStart: string;
  windowEnd: string;
  createdAt: string;
};

export function toAlert(
  name: string,
  version: number,
  row: Omit<StoredAlert, 'model' | 'version' | 'statistic' | 'windowStart' | 'windowEnd' | 'createdAt'> & {
    statistic: string;
    windowStart: Date;
    windowEnd: Date;
    createdAt: Date;
  },
): StoredAlert {
  return {
    id: row.id,
    model: name,
    version,
    feature: row.feature,
    statistic: row.statistic as DriftStatistic,
    value: row.value,
    threshold: row.threshold,
    samples: row.samples,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Compares the version's logged traffic over its window with its training profile and stores
 * an alert for every threshold crossed (the merger's webhook delivery reads them from there).
 */
export async function runMonitoring(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  name: string,
  version: number,
  now = new Date(),
): Promise<MonitoringRun> {
  const { model, row } = await findVersion(db, projectId, name, version);
  const monitor = await db.versionMonitor.findUnique({ where: { versionId: row.id } });
  if (!monitor) throw new NotFoundError(`Monitoring of version ${version} of model '${name}'`, String(version));
  const windowStart = new Date(now.getTime() - monitor.windowMinutes * 60_000);
  const lines = await readPredictionLog(store, projectId, model.id, windowStart, row.id);
  const schema = row.inputSchema as unknown as InputSchema;
  const instances = lines.map((line) => namedInstance(line.instance, schema));
  const answers = lines.map((line) => answered(line.prediction));
  const judged = lines.length >= monitor.minSamples;
  const report = judged
    ? driftReport(
        monitor.reference as unknown as TrainingReference,
        monitor.thresholds as unknown as MonitorThresholds,
        instances,
        answers,
      )
    : { features: [], prediction: null };
  const crossed = [...report.features, ...(report.prediction ? [report.prediction] : [])].flatMap((drift) =>
    drift.crossed.map((c) => ({ feature: drift.feature, ...c })),
  );
  const alerts = await db.$transaction(async (tx) => {
    await tx.versionMonitor.update({ where: { versionId: row.id }, data: { lastRunAt: now } });
    const created = [];
    for (const c of crossed)
      created.push(
        await tx.monitoringAlert.create({
          data: {
            projectId,
            modelId: model.id,
            versionId: row.id,
            feature: c.feature,
            statistic: c.statistic,
            value: c.value,
            threshold: c.threshold,
            samples: lines.length,
            windowStart,
            windowEnd: now,
          },
        }),
      );
    return created;
  });
  // Each alert also goes to the project's webhooks subscribed to `monitoring.alert`.
  for (const alert of alerts)
    await enqueueWebhookEvent({ db }, projectId, 'monitoring.alert', { ...toAlert(name, version, alert) });
  return {
    model: name,
    version,
    windowStart: windowStart.toISOString(),
    windowEnd: now.toISOString(),
    samples: lines.length,
    judged,
    features: report.features,
    prediction: report.prediction,
    alerts: alerts.map((alert) => toAlert(name, version, alert)),
  };
}

/**
 * Runs every monitor whose window has passed since its last run (the worker's maintenance
 * round calls it). Several workers may look at once: each monitor is claimed by moving its
 * `lastRunAt` from the value read, so one run per window happens whoever gets there first.
 * Answers how many monitors ran.
 */
export async function runDueMonitors(db: Database, store: ArtifactStore, now = new Date()): Promise<number> {
  const monitors = await db.versionMonitor.findMany({
    select: {
      versionId: true,
      windowMinutes: true,
      lastRunAt: true,
      version: { select: { version: true, model: { select: { name: true, projectId: true } } } },
    },
    orderBy: { lastRunAt: { sort: 'asc', nulls: 'first' } },
    take: 1000,
  });
  let ran = 0;
  for (const monitor of monitors) {
    const dueSince = new Date(now.getTime() - monitor.windowMinutes * 60_000);
    if (monitor.lastRunAt !== null && monitor.lastRunAt > dueSince) continue;
    const claimed = await db.versionMonitor.updateMany({
      where: { versionId: monitor.versionId, lastRunAt: monitor.lastRunAt },
      data: { lastRunAt: now },
    });
    if (claimed.count !== 1) continue;
    const { version, model } = monitor.version;
    await runMonitoring(db, store, model.projectId, model.name, version, now);
    ran++;
  }
  return ran;
}

export { DEFAULT_THRESHOLDS };
