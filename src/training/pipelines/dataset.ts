/**
 * One entry for the worker: reads a stored dataset and trains it on the path its columns
 * and the model type call for (deep-plan.ts) — tabular (tabular.ts) or deep
 * (deep.ts) — so both return a result registration stores the same way.
 */
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { streamDatasetRows } from '../../datasets/read-rows.ts';
import { readImageArchive } from '../../datasets/image-archive.ts';
import { readStoredRows } from '../../datasets/stored-rows.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { trainDeep, type TrainDeepResult } from './deep.ts';
import { planDataKind, sequenceOf } from './deep-plan.ts';
import type { UnvalidatedSpec } from './request.ts';
import { trainTabular, type TrainTabularResult } from './tabular.ts';
import { trainTabularStreamed } from './tabular-stream.ts';
import { chooseDataPath, type DataPath, type DataPathSettings } from './data-path.ts';
import type { TrainingHooks } from '../loop/epoch-loop.ts';

/** What either path returns. */
export type TrainingResult = TrainTabularResult | TrainDeepResult;

/** The stored dataset, as its database row holds it. */
export interface StoredDataset {
  format: string;
  artifactKey: string;
  columns: unknown;
  /** Rows and bytes of the stored file: they decide whether a table is streamed (data-path.ts). */
  rowCount?: number;
  sizeBytes?: bigint | number;
}

/** What a run may use: image size caps, and the memory budget that decides how a table is read. */
export interface TrainingLimits extends Partial<DataPathSettings> {
  maxImagePixels?: number;
  /** Told which way a table is read, before reading starts. */
  onDataPath?(path: DataPath): void;
}

/**
 * Reads `dataset` from `store` and trains `spec` on it with `hooks`; the pipeline validates and
 * plans `spec`. Images declaring more than `limits.maxImagePixels` pixels are left out undecoded.
 */
export async function trainOnDataset(
  store: ArtifactStore,
  dataset: StoredDataset,
  spec: UnvalidatedSpec,
  hooks: TrainingHooks = {},
  limits: TrainingLimits = {},
): Promise<TrainingResult> {
  const columns = dataset.columns as ColumnProfile[];
  const { maxImagePixels } = limits;
  if (dataset.format === 'zip') {
    // Read back through the archive defences: the stored bytes are the untrusted upload.
    const archive = await readImageArchive(
      await store.read(dataset.artifactKey),
      maxImagePixels === undefined ? {} : { maxImagePixels },
    );
    return trainDeep({ ...spec, columns, images: archive.images, maxImagePixels }, hooks);
  }
  const tabular =
    planDataKind(columns, spec.target, spec.model.type, spec.features, sequenceOf(spec.model)) === 'tabular';
  // Parquet is read by row group through ranged reads (stored-rows.ts), in memory; only the
  // text formats stream.
  const streamable = dataset.format === 'csv' || dataset.format === 'ndjson';
  const path = tabular && streamable ? chooseDataPath(dataset, columns.length, limits) : 'in-memory';
  limits.onDataPath?.(path);
  if (path === 'streamed') {
    const read = () => ({
      source: store.createReadStream(dataset.artifactKey),
      format: dataset.format as 'csv' | 'ndjson',
      columns,
    });
    const table = { columns, rowCount: dataset.rowCount ?? 0, pass: () => streamDatasetRows(read()) };
    return trainTabularStreamed({ ...spec, table }, hooks);
  }
  const rows = await readStoredRows(store, dataset);
  if (tabular) return trainTabular({ ...spec, rows, columns }, hooks);
  return trainDeep({ ...spec, columns, rows, maxImagePixels }, hooks);
}
