import { Readable } from 'node:stream';
import type { Database } from '../db/client.ts';
import { uploadDataset } from '../datasets/upload.ts';
import type { InputSchema, OutputSchema } from '../preprocessing/preprocessing-state.ts';
import type { QuotaLimits } from '../quotas/quota-limits.ts';
import { findModel } from '../registry/model-registry.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { ValidationError } from '../errors.ts';
import { namedInstance, readPredictionLog } from './prediction-log.ts';

export interface LogDatasetOptions {
  datasetName: string;
  windowMinutes: number;
  /** Only rows that received ground truth (the target is the posted label); else unlabeled rows have no target. */
  labeledOnly: boolean;
  maxBytes: number;
  quotas?: QuotaLimits;
}

/**
 * Turns a model's logged traffic (answered requests, shadow copies left out) into a dataset
 * for retraining: one NDJSON row per instance, its features by name and the target column
 * holding the ground truth posted for it. Stored and profiled like any upload.
 */
export async function datasetFromPredictionLog(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  name: string,
  options: LogDatasetOptions,
) {
  const model = await findModel(db, projectId, name);
  const since = new Date(Date.now() - options.windowMinutes * 60_000);
  const lines = (await readPredictionLog(store, projectId, model.id, since)).filter((line) => !line.shadow);
  const versions = await db.modelVersion.findMany({
    where: { modelId: model.id },
    select: { id: true, inputSchema: true, outputSchema: true },
  });
  const schemas = new Map(versions.map((v) => [v.id, v]));
  const labels = new Map<string, unknown>();
  for (let i = 0; i < lines.length; i += 5_000) {
    const feedback = await db.predictionFeedback.findMany({
      where: { modelId: model.id, predictionId: { in: lines.slice(i, i + 5_000).map((line) => line.id) } },
      select: { predictionId: true, label: true },
    });
    for (const item of feedback) labels.set(item.predictionId, item.label);
  }
  const rows: string[] = [];
  for (const line of lines) {
    const version = schemas.get(line.versionId);
    if (!version) continue;
    const label = labels.get(line.id);
    if (options.labeledOnly && label === undefined) continue;
    const features = namedInstance(line.instance, version.inputSchema as unknown as InputSchema);
    const target = (version.outputSchema as unknown as OutputSchema).target;
    rows.push(JSON.stringify({ ...features, [target]: label ?? null }));
  }
  if (rows.length === 0)
    throw new ValidationError(
      `Model '${name}' logged no ${options.labeledOnly ? 'labelled ' : ''}predictions in the window.`,
      [{ path: 'body.windowMinutes', message: 'no logged predictions' }],
    );
  return uploadDataset({
    db,
    store,
    projectId,
    name: options.datasetName,
    format: 'ndjson',
    source: Readable.from([Buffer.from(rows.join('\n') + '\n')]),
    maxBytes: options.maxBytes,
    quotas: options.quotas,
  });
}
