import { describe, expect, it } from 'vitest';
import { outputSchemaOf, type TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeOutputs, type Prediction } from '../serving/input-adapter.ts';
import { assertFinitePredictions } from '../serving/finite-predictions.ts';
import { partWriter, type OutputFormat } from './batch-output.ts';
import { NON_FINITE_OUTPUT, type ScoredRow } from './batch-scorer.ts';
import { BufferPool, ByteSink, tablePartWriter } from './table-output.ts';
import type { TablePart } from './table-parts.ts';

const targets: Record<string, TargetEncoding> = {
  binary: { task: 'classification', name: 'y', labels: ['no', 'yes'] },
  // Labels that need quoting, that JSON orders first, that repeat as keys, and non-ASCII ones.
  classes: { task: 'classification', name: 'y', labels: ['b,"x"', 2, 'ü', '2', true] },
  regression: { task: 'regression', name: 'y', standardized: true, mean: 3.5, std: 0.25 },
};

/** Deterministic outputs of every kind: tiny, near 1, exact, negative zero, and a few not finite. */
function outputsFor(rows: number, units: number): Float32Array {
  const outputs = new Float32Array(rows * units);
  for (let i = 0; i < outputs.length; i++) {
    const x = Math.sin(i * 12.9898) * 43758.5453;
    outputs[i] = [x - Math.floor(x), 1e-9 * (i % 7), 1 - 2 ** -20, 0.5, -0, 3e38 * 10][i % 13 === 5 ? 5 : i % 5]!;
  }
  outputs[units * 3] = NaN;
  return outputs;
}

function isFinitePrediction(prediction: Prediction): boolean {
  try {
    assertFinitePredictions([prediction]);
    return true;
  } catch {
    return false;
  }
}

describe('table part output', () => {
  for (const [name, target] of Object.entries(targets))
    for (const format of ['csv', 'ndjson'] as OutputFormat[])
      it(`writes the bytes partWriter writes: ${name}, ${format}`, async () => {
        const units = target.task === 'regression' ? 1 : name === 'binary' ? 1 : target.labels.length;
        const passthrough = ['id', 'note', '7'];
        const writer = await partWriter(format, passthrough, outputSchemaOf({ target }));
        const rows = 40;
        // Rows 2 and 9 took the per-row path: one scored, one in error.
        const otherAt = [2, 9];
        const encodedRows = rows - otherAt.length;
        const outputs = outputsFor(encodedRows, units);
        const cells = (r: number) => [`id${r}`, r % 4 === 0 ? undefined : `a "b", ç ${r}\n`, r % 3 ? `${r}` : ''];
        const part: TablePart = {
          first: 101,
          rows,
          encoded: encodedRows,
          matrix: new Float32Array(0),
          passthrough: passthrough.map((_, p) => Array.from({ length: encodedRows }, (_, r) => cells(r)[p])),
          others: otherAt.map((at) => ({ at, row: { row: 101 + at, values: { id: `other${at}` } } })),
        };
        const others: ScoredRow[] = [
          { row: part.others[0]!.row, prediction: decodeOutputs(target, outputs.subarray(0, units), 1)[0]! },
          { row: part.others[1]!.row, error: 'x: not a number' },
        ];
        // What partWriter writes for the same rows, scored the per-row way.
        const expected: ScoredRow[] = [];
        let encoded = 0;
        for (let at = 0; at < rows; at++) {
          const o = otherAt.indexOf(at);
          if (o >= 0) {
            expected.push(others[o]!);
            continue;
          }
          const values: Record<string, unknown> = {};
          passthrough.forEach((column, p) => (values[column] = part.passthrough[p]![encoded]));
          const prediction = decodeOutputs(target, outputs.subarray(encoded * units, (encoded + 1) * units), 1)[0]!;
          const row = { row: part.first + at, values };
          expected.push(isFinitePrediction(prediction) ? { row, prediction } : { row, error: NON_FINITE_OUTPUT });
          encoded++;
        }
        const write = tablePartWriter(writer, format, passthrough, target);
        for (const first of [true, false]) {
          const got = write(part, outputs, units, others, first);
          expect(got.output.toString('utf8')).toBe(writer.output(expected, first));
          expect(got.errors).toBe(writer.errors(expected));
          expect(got.errorCount).toBe(expected.filter((entry) => entry.error !== undefined).length);
          expect(got.errorCount).toBeGreaterThan(1);
        }
      });

  it("reuses a part's buffer once it is handed back, and only buffers of its own", () => {
    const pool = new BufferPool();
    const first = new ByteSink(4096, pool);
    first.text('a,1\n');
    const output = first.take();
    pool.give(Buffer.from("not the pool's"));
    pool.give(output);
    const second = new ByteSink(4096, pool);
    second.text('b');
    expect(second.take().buffer).toBe(output.buffer);
    expect(new ByteSink(4096, pool).take().buffer).not.toBe(output.buffer);
  });

  it('grows its buffer and writes text as UTF-8', () => {
    const sink = new ByteSink(1);
    const text = 'plain, ü, 😀, and more plain text; '.repeat(100);
    sink.text(text);
    sink.number(0.1 + 0.2);
    sink.byte(0x0a);
    expect(sink.take().toString('utf8')).toBe(`${text}${0.1 + 0.2}\n`);
  });
});
