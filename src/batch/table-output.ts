/**
 * The output and error text of a table part (table-parts.ts) straight from the model's outputs:
 * no prediction object and no string per row. Output lines are written as bytes into one buffer
 * per part (ByteSink), and each line is the one partWriter (batch-output.ts) writes for the
 * same row and prediction, byte for byte: the probabilities as decodeOutputs
 * (src/serving/input-adapter.ts) computes them, each number as String() and JSON write it, keys
 * in the order JSON.stringify gives the objects :predict answers with. Rows the per-row path
 * took (`others`, scored by it) keep their lines from partWriter.
 */
import type { TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeRegression } from '../preprocessing/target-decoding.ts';
import { keyedByUser } from '../user-keys.ts';
import type { OutputFormat } from './batch-output.ts';
import { csvField, NON_FINITE_OUTPUT, type LineWriter } from './output-lines.ts';
import type { ScoredRow } from './batch-scorer.ts';
import type { TablePart } from './table-parts.ts';

/**
 * Output buffers kept for the parts after theirs: a part's buffer is handed back once the part
 * is stored, so a batch's output needs two or three buffers in all instead of one per part,
 * which the garbage collector frees late (a buffer's memory lies outside the JavaScript heap).
 * Only buffers this pool made come back into it.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly made = new WeakSet<ArrayBufferLike>();

  /** A buffer of at least `bytes`: a free one, or a new one. */
  take(bytes: number): Buffer {
    const index = this.free.findIndex((buffer) => buffer.length >= bytes);
    if (index >= 0) return this.free.splice(index, 1)[0]!;
    // Never a slice of Node's shared pool: the whole ArrayBuffer is this buffer's.
    const buffer = Buffer.allocUnsafeSlow(Math.max(1024, Math.ceil(bytes)));
    this.made.add(buffer.buffer);
    return buffer;
  }

  /** Takes in a buffer of this pool's that came back from another thread (transferred: a new ArrayBuffer object). */
  adopt(buffer: ArrayBuffer): void {
    this.made.add(buffer);
    this.give(new Uint8Array(buffer));
  }

  /** Hands back the buffer under `view` (a part's output), which nobody may use any more; ignored unless this pool made it. */
  give(view: Uint8Array): void {
    if (!this.made.has(view.buffer)) return;
    // The two largest are kept: a part's output outgrows the smaller ones its first part grew through.
    this.free.push(Buffer.from(view.buffer, 0, view.buffer.byteLength));
    this.free.sort((a, b) => b.length - a.length).splice(2);
  }
}

/**
 * Bytes written in place: ASCII text byte by byte, anything else as UTF-8, into a buffer that
 * grows by doubling. A part's output is one such buffer, so no string is built per line.
 */
export class ByteSink {
  private bytes: Buffer;
  private length = 0;

  constructor(
    capacity: number,
    private readonly pool = new BufferPool(),
  ) {
    this.bytes = pool.take(capacity);
  }

  get size(): number {
    return this.length;
  }

  private reserve(bytes: number): Buffer {
    if (this.length + bytes > this.bytes.length) {
      const grown = this.pool.take(Math.max(this.bytes.length * 2, this.length + bytes));
      this.bytes.copy(grown, 0, 0, this.length);
      this.pool.give(this.bytes);
      this.bytes = grown;
    }
    return this.bytes;
  }

  byte(code: number): void {
    this.reserve(1)[this.length++] = code;
  }

  text(text: string): void {
    const count = text.length;
    // At most 3 bytes per UTF-16 unit.
    const bytes = this.reserve(count * 3);
    let at = this.length;
    for (let i = 0; i < count; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        at += bytes.write(text.slice(i), at, 'utf8');
        break;
      }
      bytes[at++] = code;
    }
    this.length = at;
  }

  /**
   * A finite number as String() writes it, which is its JSON text. JSON.stringify makes the
   * same digits about a third faster here, and leaves V8's number-to-string cache alone: every
   * string String() makes is kept there until a later number takes its slot, long enough to
   * survive into the old generation, which then grows by tens of MB of dead strings.
   */
  number(value: number): void {
    this.text(JSON.stringify(value));
  }

  /** The bytes written: a view of the buffer, which this sink no longer touches. */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.alloc(0);
    this.length = 0;
    return taken;
  }
}

export interface PartText {
  /** The part's output file: its bytes. */
  output: Buffer;
  errors: string;
  errorCount: number;
}

/** What the writer reads of a table part: not its matrix, nor the per-row path's input rows (`others` gives them scored). */
export type TablePartLayout = Pick<TablePart, 'first' | 'rows' | 'passthrough'> & {
  others: readonly { at: number }[];
};

/** `outputs`: the model's outputs for the part's encoded rows, `units` per row; `others`: the per-row path's rows, scored, in order. */
export type TablePartWriter = (
  part: TablePartLayout,
  outputs: Float32Array,
  units: number,
  others: ScoredRow[],
  first: boolean,
) => PartText;

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** `buffers`: where each part's output buffer comes from (and goes back to once the part is stored). */
export function tablePartWriter(
  writer: LineWriter,
  format: OutputFormat,
  passthrough: readonly string[],
  target: TargetEncoding,
  buffers = new BufferPool(),
): TablePartWriter {
  const prediction = predictionWriter(format, target);
  // Key order of the NDJSON line object (JSON puts integer-like keys first; `__proto__` is dropped).
  const template: Record<string, number> = {};
  passthrough.forEach((column, i) => (template[column] = i));
  template.prediction = -1;
  const lineKeys = Object.keys(template).map((key, k) => ({
    json: `${k > 0 ? ',' : '{'}${JSON.stringify(key)}:`,
    column: template[key]!,
  }));
  // Parts are alike in size: each starts with room for the one before it.
  let capacity = 1 << 16;

  return (part, outputs, units, others, first) => {
    const sink = new ByteSink(capacity * 1.05, buffers);
    if (first) sink.text(writer.header);
    let errors = '';
    let errorCount = 0;
    let encoded = 0;
    let other = 0;
    for (let at = 0; at < part.rows; at++) {
      if (other < part.others.length && part.others[other]!.at === at) {
        const scored = others[other++]!;
        if (scored.error !== undefined) {
          errors += writer.errorLine(scored.row.row, scored.error);
          errorCount++;
        } else sink.text(writer.outputLine(scored));
        continue;
      }
      const row = encoded++;
      const offset = row * units;
      if (!prediction.finite(outputs, offset, units)) {
        errors += writer.errorLine(part.first + at, NON_FINITE_OUTPUT);
        errorCount++;
        continue;
      }
      if (format === 'ndjson') {
        for (let k = 0; k < lineKeys.length; k++) {
          const { json, column } = lineKeys[k]!;
          sink.text(json);
          if (column < 0) prediction.write(sink, outputs, offset, units);
          else sink.text(JSON.stringify(part.passthrough[column]![row] ?? null));
        }
        sink.byte(0x7d); // }
      } else {
        for (let p = 0; p < passthrough.length; p++) {
          sink.text(csvField(part.passthrough[p]![row]));
          sink.byte(COMMA);
        }
        prediction.write(sink, outputs, offset, units);
      }
      sink.byte(NEWLINE);
    }
    capacity = Math.max(capacity, sink.size);
    return { output: sink.take(), errors, errorCount };
  };
}

interface PredictionWriter {
  /** Whether the numbers of the row's prediction at `offset` are all finite (else the row is an error, as :predict refuses it). */
  finite(outputs: Float32Array, offset: number, units: number): boolean;
  /** Writes the row's prediction (CSV fields, or the NDJSON `prediction` object) after `finite` said yes. */
  write(sink: ByteSink, outputs: Float32Array, offset: number, units: number): void;
}

/** One row's prediction as bytes, from the model's `units` outputs at `offset`. */
function predictionWriter(format: OutputFormat, target: TargetEncoding): PredictionWriter {
  if (target.task === 'regression') {
    const value = (outputs: Float32Array, offset: number) => decodeRegression(target, outputs[offset] ?? NaN);
    return {
      finite: (outputs, offset) => Number.isFinite(value(outputs, offset)),
      write: (sink, outputs, offset) => {
        if (format === 'ndjson') sink.text('{"value":');
        sink.number(value(outputs, offset));
        if (format === 'ndjson') sink.byte(0x7d);
      },
    };
  }
  const labels = target.labels;
  const keys = labels.map(String);
  // A prediction's probabilities object: keyed by label, the last of equal keys winning.
  const byKey = keyedByUser<number>();
  keys.forEach((key, k) => (byKey[key] = k));
  const csvLabels = labels.map(csvField);
  const jsonLabels = labels.map((label) => `{"label":${JSON.stringify(label)},"probabilities":`);
  const csvOrder = keys.map((key) => byKey[key]!);
  const jsonOrder = Object.keys(byKey).map((key) => ({ json: `${JSON.stringify(key)}:`, k: byKey[key]! }));
  const checked = Int32Array.from(new Set(csvOrder));
  const order = Int32Array.from(csvOrder);
  const jsonKeys = jsonOrder.map((entry, i) => `${i > 0 ? ',' : '{'}${entry.json}`);
  const jsonIndex = Int32Array.from(jsonOrder, (entry) => entry.k);
  // Probabilities as decodeOutputs computes them (doubles), and zero past the model's units.
  let probabilities = new Float64Array(keys.length + 2);
  let best = 0;
  let count = 0;
  /** Fills `probabilities` (and `best`, `count`) for the row at `offset`. */
  const decode = (outputs: Float32Array, offset: number, units: number) => {
    count = units === 1 ? 2 : units;
    if (probabilities.length < count + keys.length) probabilities = new Float64Array(count + keys.length);
    probabilities.fill(0, count);
    best = 0;
    if (units === 1) {
      probabilities[0] = 1 - outputs[offset]!;
      probabilities[1] = outputs[offset]!;
      best = probabilities[1] > probabilities[0] ? 1 : 0;
    } else {
      for (let k = 0; k < count; k++) {
        probabilities[k] = outputs[offset + k]!;
        if (probabilities[k]! > probabilities[best]!) best = k;
      }
    }
  };
  // No closure or array per row: this runs for every row of the batch. `finite` decodes the
  // row; `write` writes what the last `finite` decoded.
  return {
    finite: (outputs, offset, units) => {
      decode(outputs, offset, units);
      for (let k = 0; k < checked.length; k++) if (!Number.isFinite(probabilities[checked[k]!]!)) return false;
      return true;
    },
    write: (sink) => {
      if (format === 'csv') {
        sink.text(csvLabels[best] ?? '');
        for (let k = 0; k < order.length; k++) {
          sink.byte(COMMA);
          sink.number(probabilities[order[k]!]!);
        }
        return;
      }
      sink.text(jsonLabels[best] ?? '{"label":null,"probabilities":');
      if (jsonKeys.length === 0) sink.byte(0x7b); // {
      for (let k = 0; k < jsonKeys.length; k++) {
        sink.text(jsonKeys[k]!);
        sink.number(probabilities[jsonIndex[k]!]!);
      }
      sink.text('},"scores":[');
      for (let k = 0; k < count; k++) {
        if (k > 0) sink.byte(COMMA);
        // A score no label's probability shows (two labels with one key) is not checked: as in JSON, null.
        const score = probabilities[k]!;
        if (Number.isFinite(score)) sink.number(score);
        else sink.text('null');
      }
      sink.text(']}');
    },
  };
}
