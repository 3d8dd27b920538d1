/**
 * A batch's input, scored and formatted a part at a time: each part comes out as the text of its
 * output and error files. A tabular model's CSV input takes the columnar path (table-parts.ts,
 * table-output.ts: no object per row); NDJSON input and text models take the per-row path
 * (batch-input.ts, the scorer's score()). Both give the same lines for the same rows.
 */
import type { Readable } from 'node:stream';
import { readInputRows, type InputFormat, type InputRow } from './batch-input.ts';
import type { OutputFormat, PartWriter } from './batch-output.ts';
import { SCORE_ROWS, type BatchScorer, type ScoredRow } from './batch-scorer.ts';
import { readTableParts } from './table-parts.ts';
import type { OutputThread } from './output-thread.ts';
import { tablePartWriter, type BufferPool, type PartText } from './table-output.ts';

export interface PartContent extends Omit<PartText, 'output'> {
  /** The output part: text, or a whole Parquet file. */
  output: string | Buffer;
}

export interface ScoredPart {
  /** Input rows in the part, scored or in error. */
  rows: number;
  /** The part's output and errors: written here, or being written by the output thread. */
  content: PartContent | Promise<PartContent>;
}

export interface ScoredPartOptions {
  inputFormat: InputFormat;
  outputFormat: OutputFormat;
  passthrough: readonly string[];
  /** Parts already done: the rows of these are skipped, and the first part written is this one. */
  skipParts: number;
  partRows: number;
  onHeader?: (columns: string[]) => void;
  /**
   * Where the columnar path's output buffers come from; the caller hands each part's output back
   * (give) once it is stored, and uses it no more.
   */
  outputBuffers?: BufferPool;
  /**
   * Where the columnar path's parts are formatted, when not on this thread (output-thread.ts);
   * its outputs go back to it (give) instead of to outputBuffers.
   */
  outputThread?: OutputThread;
}

/** Whether a job's parts take the columnar path (and can be formatted on an output thread). */
export function takesTablePath(
  opts: Pick<ScoredPartOptions, 'inputFormat' | 'outputFormat'>,
  scorer: Pick<BatchScorer, 'tabular'>,
): boolean {
  return opts.inputFormat === 'csv' && opts.outputFormat !== 'parquet' && scorer.tabular !== undefined;
}

export async function* scoredParts(
  source: Readable,
  scorer: BatchScorer,
  writer: PartWriter,
  opts: ScoredPartOptions,
): AsyncGenerator<ScoredPart> {
  let index = opts.skipParts;
  const read = { skipRows: opts.skipParts * opts.partRows, onHeader: opts.onHeader };
  // Parquet output is written from the scored rows (a whole file per part), never line by line.
  if (takesTablePath(opts, scorer) && scorer.tabular !== undefined) {
    const text = tablePartWriter(
      writer,
      opts.outputFormat,
      opts.passthrough,
      scorer.tabular.target,
      opts.outputBuffers,
    );
    // A part's input matrix is free once its forward pass ran: the next part fills it again.
    const spareMatrices: Float32Array[] = [];
    const parts = readTableParts(source, scorer.tabular, {
      ...read,
      partRows: opts.partRows,
      passthrough: opts.passthrough,
      spareMatrices,
    });
    for await (const part of parts) {
      const { outputs, units } = scorer.forward(part.matrix, part.encoded);
      spareMatrices.push(part.matrix);
      const others = scoreRows(
        scorer,
        part.others.map((other) => other.row),
      );
      const first = index++ === 0;
      yield {
        rows: part.rows,
        content: opts.outputThread
          ? opts.outputThread.format(part, outputs, units, others, first)
          : text(part, outputs, units, others, first),
      };
    }
    return;
  }
  for await (const part of readInputRows(source, opts.inputFormat, { ...read, batchRows: opts.partRows })) {
    const scored = scoreRows(scorer, part);
    yield {
      rows: part.length,
      content: {
        output: writer.output(scored, index++ === 0),
        errors: writer.errors(scored),
        errorCount: scored.filter((entry) => entry.error !== undefined).length,
      },
    };
  }
}

function scoreRows(scorer: BatchScorer, rows: InputRow[]): ScoredRow[] {
  const scored: ScoredRow[] = [];
  for (let offset = 0; offset < rows.length; offset += SCORE_ROWS)
    scored.push(...scorer.score(rows.slice(offset, offset + SCORE_ROWS)));
  return scored;
}
