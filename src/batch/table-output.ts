/**
 * The output and error text of a table part (table-parts.ts) straight from the model's outputs:
 * no prediction object per row. Each line is the one partWriter (batch-output.ts) writes for the
 * same row and prediction, character for character: the probabilities as decodeOutputs
 * (src/serving/input-adapter.ts) computes them, each number as String() and JSON write it, keys
 * in the order JSON.stringify gives the objects :predict answers with. Rows the per-row path
 * took (`others`, scored by it) keep their lines from partWriter.
 */
import type { TargetEncoding } from '../preprocessing/preprocessing-state.ts';
import { decodeRegression } from '../preprocessing/target-encoding.ts';
import { keyedByUser } from '../user-keys.ts';
import { csvField, type OutputFormat, type PartWriter } from './batch-output.ts';
import { NON_FINITE_OUTPUT, type ScoredRow } from './batch-scorer.ts';
import type { TablePart } from './table-parts.ts';

export interface PartText {
  output: string;
  errors: string;
  errorCount: number;
}

/** `outputs`: the model's outputs for the part's encoded rows, `units` per row; `others`: the per-row path's rows, scored, in order. */
export type TablePartWriter = (
  part: TablePart,
  outputs: Float32Array,
  units: number,
  others: ScoredRow[],
  first: boolean,
) => PartText;

export function tablePartWriter(
  writer: PartWriter,
  format: OutputFormat,
  passthrough: readonly string[],
  target: TargetEncoding,
): TablePartWriter {
  const prediction = predictionText(format, target);
  // Key order of the NDJSON line object (JSON puts integer-like keys first; `__proto__` is dropped).
  const template: Record<string, number> = {};
  passthrough.forEach((column, i) => (template[column] = i));
  template.prediction = -1;
  const lineKeys = Object.keys(template).map((key) => ({ json: `${JSON.stringify(key)}:`, column: template[key]! }));
  const csvPrefix = (part: TablePart, row: number): string => {
    let text = '';
    for (let p = 0; p < passthrough.length; p++) text += `${csvField(part.passthrough[p]![row])},`;
    return text;
  };
  const ndjsonLine = (part: TablePart, row: number, predicted: string): string => {
    let text = '{';
    for (let k = 0; k < lineKeys.length; k++) {
      const { json, column } = lineKeys[k]!;
      text += `${k > 0 ? ',' : ''}${json}${column < 0 ? predicted : JSON.stringify(part.passthrough[column]![row] ?? null)}`;
    }
    return `${text}}\n`;
  };

  return (part, outputs, units, others, first) => {
    let output = first ? writer.header : '';
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
        } else output += writer.outputLine(scored);
        continue;
      }
      const predicted = prediction(outputs, encoded * units, units);
      if (predicted === undefined) {
        errors += writer.errorLine(part.first + at, NON_FINITE_OUTPUT);
        errorCount++;
      } else if (format === 'ndjson') output += ndjsonLine(part, encoded, predicted);
      else output += `${csvPrefix(part, encoded)}${predicted}\n`;
      encoded++;
    }
    return { output, errors, errorCount };
  };
}

/**
 * One row's prediction as text (CSV fields, or the NDJSON `prediction` object), from the model's
 * `units` outputs at `offset`; undefined when a number in it is not finite.
 */
function predictionText(
  format: OutputFormat,
  target: TargetEncoding,
): (outputs: Float32Array, offset: number, units: number) => string | undefined {
  if (target.task === 'regression')
    return (outputs, offset) => {
      const value = decodeRegression(target, outputs[offset] ?? NaN);
      if (!Number.isFinite(value)) return undefined;
      return format === 'ndjson' ? `{"value":${JSON.stringify(value)}}` : String(value);
    };
  const labels = target.labels;
  const keys = labels.map(String);
  // A prediction's probabilities object: keyed by label, the last of equal keys winning.
  const byKey = keyedByUser<number>();
  keys.forEach((key, k) => (byKey[key] = k));
  const csvLabels = labels.map(csvField);
  const jsonLabels = labels.map((label) => JSON.stringify(label));
  const csvOrder = keys.map((key) => byKey[key]!);
  const jsonOrder = Object.keys(byKey).map((key) => ({ json: `${JSON.stringify(key)}:`, k: byKey[key]! }));
  const checked = Int32Array.from(new Set(csvOrder));
  const order = Int32Array.from(csvOrder);
  const jsonKeys = jsonOrder.map((entry) => entry.json);
  const jsonIndex = Int32Array.from(jsonOrder, (entry) => entry.k);
  // Probabilities as decodeOutputs computes them (doubles), and zero past the model's units.
  let probabilities = new Float64Array(keys.length + 2);
  // No closure or array per row: this runs for every row of the batch.
  return (outputs, offset, units) => {
    const count = units === 1 ? 2 : units;
    if (probabilities.length < count + keys.length) probabilities = new Float64Array(count + keys.length);
    probabilities.fill(0, count);
    let best = 0;
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
    for (let k = 0; k < checked.length; k++) if (!Number.isFinite(probabilities[checked[k]!]!)) return undefined;
    if (format === 'csv') {
      let text = csvLabels[best] ?? '';
      for (let k = 0; k < order.length; k++) text += `,${probabilities[order[k]!]!}`;
      return text;
    }
    let text = `{"label":${jsonLabels[best] ?? 'null'},"probabilities":{`;
    for (let k = 0; k < jsonKeys.length; k++)
      text += `${k > 0 ? ',' : ''}${jsonKeys[k]!}${probabilities[jsonIndex[k]!]!}`;
    text += '},"scores":[';
    for (let k = 0; k < count; k++) text += `${k > 0 ? ',' : ''}${probabilities[k]!}`;
    return `${text}]}`;
  };
}
