import { afterEach, describe, expect, it } from 'vitest';
import { outputSchemaOf, type TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { partWriter, type OutputFormat } from './batch-output.ts';
import type { ScoredRow } from './batch-scorer.ts';
import { OutputThread } from './output-thread.ts';
import { tablePartWriter, type TablePartLayout } from './table-output.ts';

const target: TargetEncoding = { task: 'classification', name: 'y', labels: ['no', 'yes', 'ü'] };
const passthrough = ['id'];
const units = 3;

function partOf(first: number, rows: number): { part: TablePartLayout; outputs: Float32Array; others: ScoredRow[] } {
  const outputs = new Float32Array((rows - 1) * units);
  for (let i = 0; i < outputs.length; i++) outputs[i] = ((i * 7919) % 1000) / 1000;
  outputs[units] = NaN;
  return {
    part: {
      first,
      rows,
      passthrough: [Array.from({ length: rows - 1 }, (_, r) => `id,${first + r}`)],
      others: [{ at: 1 }],
    },
    outputs,
    others: [{ row: { row: first + 1, values: { id: 'x' } }, error: 'a: not a number' }],
  };
}

describe('the batch output thread', () => {
  let thread: OutputThread | undefined;
  afterEach(() => thread?.close());

  for (const format of ['csv', 'ndjson'] as Exclude<OutputFormat, 'parquet'>[])
    it(`writes the parts this thread would write, in any buffer it gets back: ${format}`, async () => {
      const schema = outputSchemaOf({ target });
      thread = new OutputThread({ format, passthrough, schema, target });
      const here = tablePartWriter(await partWriter(format, passthrough, schema), format, passthrough, target);
      for (let p = 0; p < 4; p++) {
        const first = p === 0;
        const { part, outputs, others } = partOf(1 + p * 50, 50);
        const expected = here(part, outputs.slice(), units, others, first);
        // Two parts in flight at once, as a run has them.
        const copy = outputs.slice();
        const [got, next] = await Promise.all([
          thread.format(part, outputs, units, others, first),
          thread.format(part, copy, units, others, false),
        ]);
        expect(outputs.length).toBe(0); // moved to the thread, not copied
        expect(got.output.toString('utf8')).toBe(expected.output.toString('utf8'));
        expect(got.errors).toBe(expected.errors);
        expect(got.errorCount).toBe(2);
        expect(next.errors).toBe(expected.errors);
        thread.give(got.output);
        thread.give(next.output);
      }
    });

  it('fails the parts it has not written once closed', async () => {
    const schema = outputSchemaOf({ target });
    thread = new OutputThread({ format: 'csv', passthrough, schema, target });
    await thread.close();
    const { part, outputs, others } = partOf(1, 10);
    await expect(thread.format(part, outputs, units, others, true)).rejects.toThrow(/closed/);
  });
});
