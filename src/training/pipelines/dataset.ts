/**
 * One entry for the worker: reads a stored dataset and trains it on the path its columns
 * and the model type call for (deep-plan.ts) — tabular (tabular.ts) or deep
 * (deep.ts) — so both return a result registration stores the same way.
 */
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { readDatasetRows } from '../../datasets/read-rows.ts';
import { readImageArchive } from '../../datasets/image-archive.ts';
import type { Task } from '../../models/task.ts';
import type { ModelSpecInput } from '../../models/model-spec.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import type { SplitSpecInput } from './split.ts';
import { trainDeep, type TrainDeepResult } from './deep.ts';
import { planDataKind } from './deep-plan.ts';
import { trainTabular, type TrainTabularResult } from './tabular.ts';
import type { TrainingHooks } from '../loop/tabular-loop.ts';

/** What either path returns. */
export type TrainingResult = TrainTabularResult | TrainDeepResult;

/** The stored dataset, as its database row holds it. */
export interface StoredDataset {
  format: string;
  artifactKey: string;
  columns: unknown;
}

export interface DatasetTrainingRequest {
  target: string;
  task?: Task;
  features?: string[];
  split?: SplitSpecInput;
  model: ModelSpecInput;
}

/** Reads `dataset` from `store` and trains `request` on it with `hooks`. */
export async function trainOnDataset(store: ArtifactStore, dataset: StoredDataset, request: DatasetTrainingRequest, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  const columns = dataset.columns as ColumnProfile[];
  const kind = planDataKind(columns, request.target, request.model.type, request.features);
  if (dataset.format === 'zip') {
    // Read back through the archive defences: the stored bytes are the untrusted upload.
    const archive = await readImageArchive(await store.read(dataset.artifactKey));
    return trainDeep({ ...request, kind: 'image', columns, images: archive.images }, hooks);
  }
  const rows = await readDatasetRows({ source: store.createReadStream(dataset.artifactKey), format: dataset.format as 'csv' | 'ndjson', columns });
  if (kind === 'tabular') return trainTabular({ ...request, rows, columns }, hooks);
  return trainDeep({ ...request, kind, columns, rows }, hooks);
}
