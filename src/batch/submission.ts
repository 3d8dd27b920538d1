/**
 * Submitting and cancelling batch predictions. A request is checked whole before anything is
 * created: the model version (a number, an alias, or the default) must be the caller's and one
 * batch jobs can score, the dataset the caller's, the passthrough columns the dataset's, and
 * the project must have stored bytes left. The version is resolved once, here: an alias moved
 * while the job runs does not change the version its rows are scored with.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ColumnProfile } from '../datasets/column-profile.ts';
import type { DatasetFormat } from '../datasets/dataset-format.ts';
import { storeUpload } from '../datasets/store-upload.ts';
import type { Database } from '../db/client.ts';
import { UnprocessableError, ValidationError } from '../errors.ts';
import {
  enqueueBatchPrediction,
  removeQueuedBatch,
  type BatchQueue,
  type WebhookQueue,
} from '../queue/background-queues.ts';
import { storedBytesOf } from '../quotas/project-usage.ts';
import { storedBytesExceeded } from '../quotas/quota-checks.ts';
import type { QuotaLimits } from '../quotas/quota-limits.ts';
import type { VersionRef } from '../registry/model-registry.ts';
import { resolveServedVersion } from '../serving/version-resolver.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { Logger } from '../logger.ts';
import { uploadedInputKey } from './batch-files.ts';
import { clashesWithPrediction, type OutputFormat } from './batch-output.ts';
import { BATCH_KINDS, batchKindOf } from './batch-scorer.ts';
import { finishBatch } from './run-batch.ts';

export interface BatchRequest {
  model: string;
  version?: number;
  alias?: string;
  outputFormat: OutputFormat;
  passthrough: string[];
}

export interface BatchSubmissionDeps {
  db: Database;
  store: ArtifactStore;
  batchQueue: BatchQueue;
  partRows: number;
}

const refOf = (request: BatchRequest): VersionRef =>
  request.version !== undefined
    ? { version: request.version }
    : request.alias !== undefined
      ? { alias: request.alias }
      : { latest: true };

function checkPassthroughNames(passthrough: string[]): void {
  const clashing = passthrough.filter(clashesWithPrediction);
  if (clashing.length)
    throw new ValidationError('Passthrough columns may not be named `prediction` or `probability_*`.', [
      { path: 'passthrough', message: `clashes with the prediction's columns: ${clashing.join(', ')}` },
    ]);
  if (new Set(passthrough).size !== passthrough.length)
    throw new ValidationError('Passthrough columns must be distinct.', [
      { path: 'passthrough', message: 'repeats a column' },
    ]);
}

/** The version to score with, refused when batch jobs cannot score its kind of model. */
async function resolveBatchVersion(db: Database, projectId: string, request: BatchRequest) {
  const resolved = await resolveServedVersion(db, projectId, request.model, refOf(request));
  const version = await db.modelVersion.findUniqueOrThrow({
    where: { id: resolved.versionId },
    select: { preprocessing: true },
  });
  const kind = batchKindOf(version.preprocessing);
  if (!BATCH_KINDS.has(kind))
    throw new UnprocessableError(
      'batch_unsupported_model',
      `Batch predictions score tabular and text models, one row at a time; this is a ${kind} model.`,
    );
  return resolved;
}

async function checkStoredBytes(db: Database, projectId: string, quotas: QuotaLimits | undefined) {
  if (quotas?.storedBytes === null || quotas?.storedBytes === undefined) return null;
  const stored = await storedBytesOf(db, projectId);
  if (stored >= quotas.storedBytes) throw storedBytesExceeded(quotas.storedBytes, stored);
  return quotas.storedBytes - stored;
}

async function recordAndEnqueue(
  deps: BatchSubmissionDeps,
  data: Parameters<Database['batchPrediction']['create']>[0]['data'],
) {
  const job = await deps.db.batchPrediction.create({ data });
  try {
    await enqueueBatchPrediction(deps.batchQueue, job.id);
  } catch (error) {
    await deps.db.batchPrediction.delete({ where: { id: job.id } }).catch(() => undefined);
    throw error;
  }
  return job;
}

/** A batch over a stored dataset. */
export async function submitDatasetBatch(
  deps: BatchSubmissionDeps,
  projectId: string,
  request: BatchRequest & { datasetId: string },
  quotas?: QuotaLimits,
) {
  checkPassthroughNames(request.passthrough);
  const dataset = await deps.db.dataset.findFirst({ where: { id: request.datasetId, projectId } });
  if (!dataset)
    throw new UnprocessableError('unknown_dataset', `Dataset '${request.datasetId}' was not found.`, [
      { path: 'body.datasetId', message: 'no such dataset' },
    ]);
  if (dataset.format !== 'csv' && dataset.format !== 'ndjson')
    throw new UnprocessableError('batch_unsupported_model', 'Batch predictions read CSV and NDJSON datasets.', [
      { path: 'body.datasetId', message: `a ${dataset.format} dataset` },
    ]);
  const columns = new Set((dataset.columns as unknown as ColumnProfile[]).map((column) => column.name));
  const missing = request.passthrough.filter((column) => !columns.has(column));
  if (missing.length)
    throw new UnprocessableError(
      'unknown_passthrough_columns',
      `The dataset has no column ${missing.map((c) => `'${c}'`).join(', ')}.`,
      missing.map((column) => ({ path: 'body.passthrough', message: `no column '${column}'` })),
    );
  const resolved = await resolveBatchVersion(deps.db, projectId, request);
  await checkStoredBytes(deps.db, projectId, quotas);
  return recordAndEnqueue(deps, {
    projectId,
    modelName: resolved.model,
    modelVersionId: resolved.versionId,
    version: resolved.version,
    alias: request.alias ?? null,
    datasetId: dataset.id,
    inputKey: dataset.artifactKey,
    inputFormat: dataset.format,
    outputFormat: request.outputFormat,
    passthrough: request.passthrough,
    partRows: deps.partRows,
  });
}

/**
 * A batch over an uploaded body (CSV or NDJSON), streamed into the store under the job's
 * prefix, bounded by MAX_UPLOAD_BYTES and the stored bytes the project has left. The CSV
 * header is checked for the passthrough columns by the job (the body is never buffered here).
 */
export async function submitUploadBatch(
  deps: BatchSubmissionDeps & { maxUploadBytes: number },
  projectId: string,
  request: BatchRequest,
  format: DatasetFormat,
  source: Readable,
  quotas?: QuotaLimits,
) {
  checkPassthroughNames(request.passthrough);
  const resolved = await resolveBatchVersion(deps.db, projectId, request);
  const left = await checkStoredBytes(deps.db, projectId, quotas);
  const id = randomUUID();
  const key = uploadedInputKey({ id, projectId }, format);
  const written = await storeUpload({
    source,
    store: deps.store,
    key,
    maxBytes: deps.maxUploadBytes,
    ...(left === null
      ? {}
      : {
          budget: {
            bytes: left,
            exceeded: () => storedBytesExceeded(quotas!.storedBytes!, quotas!.storedBytes! - left),
          },
        }),
  });
  try {
    return await recordAndEnqueue(deps, {
      id,
      projectId,
      modelName: resolved.model,
      modelVersionId: resolved.versionId,
      version: resolved.version,
      alias: request.alias ?? null,
      inputKey: key,
      inputFormat: format,
      inputBytes: written.sizeBytes,
      inputUploaded: true,
      outputFormat: request.outputFormat,
      passthrough: request.passthrough,
      partRows: deps.partRows,
    });
  } catch (error) {
    await deps.store.delete(key).catch(() => undefined);
    throw error;
  }
}

/** Cancels a batch: a queued one ends now, a running one after its current part. */
export async function cancelBatchPrediction(
  deps: { db: Database; store: ArtifactStore; batchQueue: BatchQueue; webhookQueue?: WebhookQueue; logger: Logger },
  projectId: string,
  id: string,
) {
  const job = await deps.db.batchPrediction.findFirst({ where: { id, projectId } });
  if (!job) return null;
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
  await deps.db.batchPrediction.update({ where: { id }, data: { cancelRequested: true } });
  if (job.status === 'queued' && (await removeQueuedBatch(deps.batchQueue, id)))
    await finishBatch(deps, job, 'cancelled');
  return deps.db.batchPrediction.findUniqueOrThrow({ where: { id } });
}
