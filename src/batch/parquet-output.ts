/**
 * Batch output in Parquet. Each part is a whole Parquet file of one row group, written by the
 * worker like a CSV part (atomically, resumable, identical when written again); the download
 * joins the parts into one file, each part a row group, reading one part at a time. Columns:
 * the passthrough columns as strings, then `prediction` (the label as a string for a classifier,
 * a double for a regression) and, for classifiers, a double `probability_<label>` per label.
 * Errors are written as NDJSON lines (row, reason), as the NDJSON output's are.
 */
import { Readable } from 'node:stream';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { OutputSchema } from '../preprocessing/preprocessing-state.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ScoredRow } from './batch-scorer.ts';

const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});
const double = (name: string): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });

/** The output file's schema: the same for every part of a job. */
export function outputParquetSchema(passthrough: string[], schema: OutputSchema): SchemaElement[] {
  const labels = schema.task === 'classification' ? schema.labels.map(String) : [];
  const fields = [
    ...passthrough.map(text),
    schema.task === 'classification' ? text('prediction') : double('prediction'),
    ...labels.map((label) => double(`probability_${label}`)),
  ];
  return [{ name: 'schema', num_children: fields.length }, ...fields];
}

const cellText = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** One part's predicted rows as a whole Parquet file of one row group. */
export function parquetPart(rows: ScoredRow[], passthrough: string[], schema: OutputSchema): Buffer {
  const labels = schema.task === 'classification' ? schema.labels.map(String) : [];
  const predicted = rows.filter((entry) => entry.prediction !== undefined);
  const columnData: ColumnSource[] = passthrough.map((name) => ({
    name,
    data: predicted.map(({ row }) => cellText(row.values?.[name])),
  }));
  columnData.push({
    name: 'prediction',
    data: predicted.map(({ prediction }) => ('value' in prediction! ? prediction.value : String(prediction!.label))),
  });
  for (const label of labels)
    columnData.push({
      name: `probability_${label}`,
      data: predicted.map(({ prediction }) =>
        'probabilities' in prediction! ? (prediction.probabilities[label] ?? null) : null,
      ),
    });
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({ writer, schema: outputParquetSchema(passthrough, schema) });
  if (predicted.length > 0) void parquet.write({ columnData, rowGroupSize: predicted.length });
  void parquet.finish();
  return Buffer.from(writer.getBuffer());
}

function asyncBuffer(bytes: Buffer): AsyncBuffer {
  return {
    byteLength: bytes.length,
    slice: (start, end) =>
      bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.length)) as ArrayBuffer,
  };
}

/** A ByteWriter that hands what it wrote to a stream after each row group, with backpressure. */
class StreamingWriter extends ByteWriter {
  private wake: (() => void) | undefined;
  readonly output = new Readable({ read: () => this.wake?.() });

  private push(): boolean {
    if (this.index === 0) return true;
    const more = this.output.push(Buffer.from(this.buffer.slice(0, this.index)));
    this.index = 0;
    return more;
  }

  flush(): Promise<void> | undefined {
    if (this.push()) return undefined;
    return new Promise((resolve) => (this.wake = resolve));
  }

  override finish(): void {
    this.push();
    this.output.push(null);
  }
}

/**
 * The parts, stored as whole files, joined into one Parquet file as the client reads it: each
 * part read (it holds BATCH_PART_ROWS rows at most) and written again as the next row group.
 */
export function joinedParquet(store: ArtifactStore, keys: string[]): Readable {
  const writer = new StreamingWriter();
  void (async () => {
    let parquet: ParquetWriter | undefined;
    for (const key of keys) {
      const file = asyncBuffer(await store.read(key));
      const metadata = await parquetMetadataAsync(file);
      parquet ??= new ParquetWriter({ writer, schema: metadata.schema as SchemaElement[] });
      if (Number(metadata.num_rows) === 0) continue;
      const rows = await parquetReadObjects({ file, metadata });
      const names = metadata.schema.slice(1).map((element) => element.name);
      await parquet.write({
        columnData: names.map((name) => ({ name, data: rows.map((row) => row[name] ?? null) })),
        rowGroupSize: rows.length,
      });
    }
    if (parquet) await parquet.finish();
    else writer.finish();
  })().catch((error: unknown) => writer.output.destroy(error as Error));
  return writer.output;
}
