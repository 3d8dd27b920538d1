import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generatedCsv, GENERATED_FEATURES } from '../../../test/support/generated-table.ts';
import type { ColumnProfile, DatasetRow } from '../../datasets/column-profile.ts';
import { CsvReader } from '../../datasets/csv-reader.ts';
import { DatasetProfileBuilder } from '../../datasets/dataset-profile-builder.ts';
import { readDatasetRows, streamDatasetRows } from '../../datasets/read-rows.ts';
import type { ClassificationMetrics } from '../../evaluation/classification-metrics.ts';
import type { RegressionMetrics } from '../../evaluation/regression-metrics.ts';
import type { UnvalidatedSpec } from './request.ts';
import { rowPart } from './row-split.ts';
import { trainTabular } from './tabular.ts';
import { trainTabularStreamed, type StreamedTable } from './tabular-stream.ts';

/** Profiles a CSV as ingestion does, and offers it as a table read pass by pass from its bytes. */
function table(csv: string): StreamedTable & { rows(): Promise<DatasetRow[]> } {
  const bytes = Buffer.from(csv);
  const builder = new DatasetProfileBuilder('csv');
  const reader = new CsvReader(builder.addCsvRecord, { rawField: builder.addCsvField });
  reader.write(bytes);
  reader.end();
  const columns: ColumnProfile[] = builder.finish(bytes.length);
  // Small reads, so a pass arrives in many chunks as a stored file does.
  const source = () =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096)),
    );
  return {
    columns,
    rowCount: builder.rows,
    pass: () => streamDatasetRows({ source: source(), format: 'csv', columns }),
    rows: () => readDatasetRows({ source: source(), format: 'csv', columns }),
  };
}

const data = table(generatedCsv(6000, 11));
const spec = (
  target: string,
  model: { type: 'logistic' | 'mlp' | 'linear'; hiddenLayers?: readonly { units: number; dropout?: number }[] },
) => ({
  target,
  features: GENERATED_FEATURES,
  model: { epochs: 12, batchSize: 64, learningRate: 0.01, seed: 5, ...model } as UnvalidatedSpec['model'],
});

describe('streamed tabular training', () => {
  it('reaches the quality of the in-memory path on the same table (logistic, mlp, linear)', async () => {
    for (const [target, model] of [
      ['label', { type: 'logistic' }],
      ['label', { type: 'mlp', hiddenLayers: [{ units: 16, dropout: 0.1 }] }],
      ['amount', { type: 'linear' }],
    ] as const) {
      const request = spec(target, model);
      const held = await trainTabular({ ...request, columns: data.columns, rows: await data.rows() });
      // A buffer far smaller than the table, so the shuffle is the bounded one.
      const streamed = await trainTabularStreamed({ ...request, table: data, shuffleBufferRows: 500 });
      try {
        // The same preprocessing, fitted in one pass: the same columns, the same manifest format.
        expect(streamed.preprocessing.width).toBe(held.preprocessing.width);
        expect(streamed.inputSchema).toEqual(held.inputSchema);
        expect(streamed.preprocessing.features.map((f) => f.kind)).toEqual(
          held.preprocessing.features.map((f) => f.kind),
        );
        expect(streamed.rowCounts.total).toBe(6000);
        expect(streamed.rowCounts.test).toBeGreaterThan(1000);
        expect(streamed.evaluation?.importance?.columns.map((c) => c.column).sort()).toEqual(
          [...GENERATED_FEATURES].sort(),
        );
        expect(streamed.explanationBackground?.rows).toBe(100);
        if (target === 'label') {
          // Seeds fixed: both numbers are the same on every run; the generator's noise puts the
          // best possible accuracy near 0.85, and both paths must get within a few points of it.
          const a = held.metrics as ClassificationMetrics;
          const b = streamed.metrics as ClassificationMetrics;
          expect(b.accuracy).toBeGreaterThan(0.78);
          expect(Math.abs(b.accuracy - a.accuracy)).toBeLessThan(0.03);
        } else {
          const a = held.metrics as RegressionMetrics;
          const b = streamed.metrics as RegressionMetrics;
          // The noise's deviation is 0.5, and a's missing cells (imputed) add about 0.4 of
          // variance on their rows: the best RMSE is near 0.6, and both fits reach it.
          expect(b.rmse).toBeLessThan(0.7);
          expect(Math.abs(b.rmse - a.rmse)).toBeLessThan(0.1);
        }
      } finally {
        held.model.dispose();
        streamed.model.dispose();
      }
    }
  }, 240_000);

  it('puts every row in the same part on every pass, whatever the chunking, near the requested fractions', async () => {
    const names = data.columns.map((column) => column.name);
    const split = { test: 0.2, validation: 0.1 };
    const parts = (rows: DatasetRow[]) => rows.map((row) => rowPart(row, names, split, 42));
    const first = parts(await data.rows());
    const again: DatasetRow[] = [];
    for await (const chunk of data.pass()) again.push(...chunk);
    expect(parts(again)).toEqual(first);
    // Reordered rows keep their parts: the part depends on the row alone.
    expect(parts([...again].reverse())).toEqual([...first].reverse());
    const share = (part: string) => first.filter((p) => p === part).length / first.length;
    expect(share('test')).toBeGreaterThan(0.18);
    expect(share('test')).toBeLessThan(0.22);
    expect(share('validation')).toBeGreaterThan(0.085);
    expect(share('validation')).toBeLessThan(0.115);
    // Another seed splits otherwise.
    expect(again.map((row) => rowPart(row, names, split, 43))).not.toEqual(first);
  });

  it('refuses a table whose hashed split leaves a part empty, as the in-memory path does', async () => {
    // Identical rows hash alike, so all of them land in one part and the others stay empty.
    const [header, first] = generatedCsv(1, 3).split('\n');
    const same = table(`${header}\n${`${first}\n`.repeat(40)}`);
    await expect(trainTabularStreamed({ ...spec('amount', { type: 'linear' }), table: same })).rejects.toMatchObject({
      code: 'too_few_rows',
    });
  });
});
