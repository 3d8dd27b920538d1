import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ColumnProfile, DatasetRow } from './column-profile.ts';
import { readParquetRows } from './parquet-dataset.ts';
import { readDatasetRows } from './read-rows.ts';

/** A stored tabular dataset, as its database row holds it. */
export interface StoredTabularDataset {
  format: string;
  artifactKey: string;
  columns: unknown;
}

/**
 * The typed rows of a stored CSV, NDJSON or Parquet dataset (see readDatasetRows): text
 * formats streamed from the start, Parquet read by ranges from its footer on.
 */
export async function readStoredRows(store: ArtifactStore, dataset: StoredTabularDataset): Promise<DatasetRow[]> {
  const columns = dataset.columns as ColumnProfile[];
  if (dataset.format === 'parquet') return readParquetRows(await store.openRanges(dataset.artifactKey), columns);
  if (dataset.format !== 'csv' && dataset.format !== 'ndjson')
    throw new Error(`A ${dataset.format} dataset has no rows to read as a table`);
  return readDatasetRows({ source: store.createReadStream(dataset.artifactKey), format: dataset.format, columns });
}
