import { ValidationError } from '../errors.ts';
import type { InputSchema, OutputSchema } from '../preprocessing/preprocessing-state.ts';
import type { Prediction } from './input-adapter.ts';
import { decodeValue } from './tf-serving-format.ts';
import { keyedEntries, ownValue } from '../user-keys.ts';

/**
 * Open Inference Protocol (KServe V2) tensors to and from our instances. A tabular model
 * takes either one input per feature, named after it, of shape [N] or [N, 1]; or one input
 * named `input` of shape [N, F] holding the features in input-schema order (numbers only, or
 * BYTES for all-categorical schemas). Outputs: `label` [N] and `probabilities` [N, K] (label
 * order) for classification, `value` [N] for regression.
 */

export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** One request input tensor. */
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  data: unknown;
}

/** One response output tensor. */
export interface V2Output {
  name: string;
  shape: number[];
  datatype: V2Datatype;
  data: (number | string | boolean)[];
}

/** The name of the single-matrix input. */
export const MATRIX_INPUT = 'input';
/** KServe's usual name for a model's one tensor: accepted as the matrix input too. */
export const MATRIX_INPUT_ALIASES = [MATRIX_INPUT, 'input-0'] as const;

/** A 400 naming the request field at `path`. */
export const invalid = (path: string, message: string) =>
  new ValidationError(`${path}: ${message}`, [{ path, message }]);

/** Elements of a tensor of this shape. */
export const elementCount = (shape: readonly number[]) => shape.reduce((product, dim) => product * dim, 1);

/** Flattens nested `data` row-major and checks it against shape and datatype. */
export function tensorValues(tensor: V2Tensor, path: string): (number | string | boolean | Uint8Array)[] {
  // flat(Infinity) copies even a flat array, slowly: only nested data is flattened.
  const data = tensor.data;
  const flat = Array.isArray(data)
    ? data.some(Array.isArray)
      ? (data as unknown[]).flat(Infinity)
      : (data as unknown[])
    : [data];
  const expected = elementCount(tensor.shape);
  if (flat.length !== expected)
    throw invalid(
      `${path}.data`,
      `holds ${flat.length} elements; shape [${tensor.shape.join(', ')}] needs ${expected}`,
    );
  return checkElements(tensor.datatype, flat, path);
}

/** `<path>.data.<index>`, built only for an error: a large tensor has thousands of elements. */
const elementPath = (path: string, index: number) => `${path}.data.${index}`;

/**
 * The values each integer datatype holds, as `[min, below)`: a client's INT8 999 is an error,
 * not a number the model reads as sent. The 64-bit bounds are powers of two, exact as doubles.
 */
const INTEGER_RANGES: Partial<Record<V2Datatype, { min: number; below: number; text: string }>> = {
  INT8: { min: -(2 ** 7), below: 2 ** 7, text: '-128 to 127' },
  INT16: { min: -(2 ** 15), below: 2 ** 15, text: '-32768 to 32767' },
  INT32: { min: -(2 ** 31), below: 2 ** 31, text: '-2147483648 to 2147483647' },
  INT64: { min: -(2 ** 63), below: 2 ** 63, text: '-2^63 to 2^63-1' },
  UINT8: { min: 0, below: 2 ** 8, text: '0 to 255' },
  UINT16: { min: 0, below: 2 ** 16, text: '0 to 65535' },
  UINT32: { min: 0, below: 2 ** 32, text: '0 to 4294967295' },
  UINT64: { min: 0, below: 2 ** 64, text: '0 to 2^64-1' },
};

/** Checks every element against the datatype, in one loop per datatype. */
function checkElements(
  datatype: V2Datatype,
  values: unknown[],
  path: string,
): (number | string | boolean | Uint8Array)[] {
  if (datatype === 'BOOL') {
    values.forEach((value, index) => {
      if (typeof value !== 'boolean') throw invalid(elementPath(path, index), 'BOOL data must be true or false');
    });
    return values as boolean[];
  }
  if (datatype === 'BYTES') {
    return values.map((value, index) => {
      // An element may also be TF Serving's `{"b64": ...}`: bytes for the model's adapter to read.
      const decoded = decodeValue(value);
      if (typeof decoded !== 'string' && !(decoded instanceof Uint8Array))
        throw invalid(elementPath(path, index), 'BYTES data must be strings or {"b64": "<base64>"}');
      return decoded;
    });
  }
  const range = INTEGER_RANGES[datatype];
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw invalid(elementPath(path, index), `${datatype} data must be finite numbers`);
    if (range && !Number.isInteger(value)) throw invalid(elementPath(path, index), `${datatype} data must be integers`);
    if (range && (value < range.min || value >= range.below))
      throw invalid(elementPath(path, index), `${datatype} data must lie in ${range.text}`);
  }
  return values as number[];
}

/** Turns the request's input tensors into instances for the model's input schema. */
export function instancesFromTensors(inputs: V2Tensor[], schema: InputSchema): unknown[] {
  const features = new Set(schema.features.map((f) => f.name));
  const isMatrix = (input: V2Tensor) =>
    (MATRIX_INPUT_ALIASES as readonly string[]).includes(input.name) && !features.has(input.name);
  const matrices = inputs.filter(isMatrix);
  if (matrices.length > 1)
    throw invalid('inputs', `give one of ${MATRIX_INPUT_ALIASES.map((n) => `'${n}'`).join(' or ')}, not both`);
  const matrix = matrices[0];
  if (matrix) {
    const index = inputs.indexOf(matrix);
    const width = schema.features.length;
    if (matrix.shape.length !== 2 || matrix.shape[1] !== width)
      throw invalid(
        `inputs.${index}.shape`,
        `must be [N, ${width}] (features in input-schema order: ${[...features].join(', ')})`,
      );
    const values = tensorValues(matrix, `inputs.${index}`);
    const rows = Array.from({ length: matrix.shape[0] ?? 0 }, (_, row) => values.slice(row * width, (row + 1) * width));
    // A client that sends every input the metadata lists sends both forms: they must say the same.
    if (inputs.length > 1) agree(rows, perFeature(inputs, index, features), schema, matrix.name);
    return rows;
  }
  return perFeature(inputs, -1, features);
}

/** Instances from one input per feature (skipping the matrix input at `skip`). */
function perFeature(inputs: V2Tensor[], skip: number, features: Set<string>): Record<string, unknown>[] {
  let rows: number | undefined;
  const columns: { name: string; values: unknown[] }[] = [];
  inputs.forEach((input, index) => {
    if (index === skip) return;
    if (!features.has(input.name))
      throw invalid(
        `inputs.${index}.name`,
        `unknown input '${input.name}'; inputs are ${[...features].join(', ')} ` +
          `(or '${MATRIX_INPUT}' of shape [N, ${features.size}])`,
      );
    const [n, extra, ...rest] = input.shape;
    if (n === undefined || rest.length > 0 || (extra !== undefined && extra !== 1))
      throw invalid(`inputs.${index}.shape`, 'a feature input has shape [N] or [N, 1]');
    if (rows !== undefined && rows !== n)
      throw invalid(`inputs.${index}.shape`, `every input must have the same N; got ${rows} and ${n}`);
    rows = n;
    columns.push({ name: input.name, values: tensorValues(input, `inputs.${index}`) });
  });
  return Array.from({ length: rows ?? 0 }, (_, row) =>
    keyedEntries(columns.map((column) => [column.name, column.values[row]])),
  );
}

/** Checks that per-feature inputs sent beside the matrix input hold the same values. */
function agree(rows: unknown[][], keyed: Record<string, unknown>[], schema: InputSchema, matrixName: string): void {
  if (keyed.length !== rows.length)
    throw invalid('inputs', `'${matrixName}' has ${rows.length} rows; the per-feature inputs have ${keyed.length}`);
  const same = (a: unknown, b: unknown) =>
    a === b ||
    (typeof a === 'number' && typeof b === 'number' && Math.fround(a) === Math.fround(b)) ||
    (a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0);
  keyed.forEach((instance, row) => {
    schema.features.forEach((feature, column) => {
      if (!Object.hasOwn(instance, feature.name)) return;
      if (!same(instance[feature.name], rows[row]![column]))
        throw invalid(
          'inputs',
          `'${matrixName}' and the input '${feature.name}' disagree at row ${row}; send one form, or the same values`,
        );
    });
  });
}

function labelDatatype(labels: unknown[]): V2Datatype {
  if (labels.every((label) => typeof label === 'boolean')) return 'BOOL';
  if (labels.every((label) => typeof label === 'number'))
    return labels.every((label) => Number.isInteger(label)) ? 'INT64' : 'FP64';
  return 'BYTES';
}

/** The outputs a model offers, with their datatype and the shape for `rows` instances. */
export function outputSpecs(output: OutputSchema, rows: number | -1 = -1): Omit<V2Output, 'data'>[] {
  if (output.task === 'regression') return [{ name: 'value', datatype: 'FP32', shape: [rows] }];
  return [
    { name: 'label', datatype: labelDatatype(output.labels), shape: [rows] },
    { name: 'probabilities', datatype: 'FP32', shape: [rows, output.labels.length] },
  ];
}

/** Input specs for model metadata: one per feature, and the matrix alternative when it applies. */
export function inputSpecs(schema: InputSchema): { name: string; datatype: V2Datatype; shape: number[] }[] {
  const perFeature = schema.features.map((f) => ({
    name: f.name,
    datatype: (f.type === 'categorical' ? 'BYTES' : f.type === 'boolean' ? 'BOOL' : 'FP32') as V2Datatype,
    shape: [-1, 1],
  }));
  const types = new Set(perFeature.map((f) => f.datatype));
  const matrix =
    types.size === 1 && !types.has('BOOL')
      ? [{ name: MATRIX_INPUT, datatype: [...types][0] as V2Datatype, shape: [-1, perFeature.length] }]
      : [];
  return [...perFeature, ...matrix];
}

/**
 * Triton's classification extension: an output requested with `parameters.classification: k`
 * comes back as the top k classes of each row, a BYTES tensor [N, k] of "<score>:<index>:<label>"
 * strings, best first. Only `probabilities` holds class scores; asking it of another output
 * (or of a regression model) is refused, as is a k outside 1..K.
 */
export function classificationCounts(
  outputs: { name: string; parameters?: Record<string, unknown> }[] | undefined,
  output: OutputSchema,
): Map<string, number> {
  const counts = new Map<string, number>();
  outputs?.forEach((requested, index) => {
    const k = requested.parameters?.classification;
    if (k === undefined) return;
    const path = `outputs.${index}.parameters.classification`;
    if (output.task !== 'classification' || requested.name !== 'probabilities')
      throw invalid(
        path,
        output.task === 'classification'
          ? "classification applies to the 'probabilities' output"
          : 'a regression model has no classes to rank',
      );
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > output.labels.length)
      throw invalid(path, `must be a whole number of classes from 1 to ${output.labels.length}`);
    counts.set(requested.name, k);
  });
  return counts;
}

/** The response tensors, restricted to `requested` names when the request lists outputs. */
export function outputTensors(
  predictions: Prediction[],
  output: OutputSchema,
  requested?: string[],
  classification: ReadonlyMap<string, number> = new Map(),
): V2Output[] {
  const specs = outputSpecs(output, predictions.length);
  if (requested) {
    const unknown = requested.find((name) => !specs.some((spec) => spec.name === name));
    if (unknown !== undefined)
      throw invalid('outputs', `unknown output '${unknown}'; outputs are ${specs.map((s) => s.name).join(', ')}`);
  }
  const topK = (k: number): string[] => {
    const data: string[] = [];
    for (const p of predictions) {
      const scores = keys.map((key) => ('probabilities' in p ? (ownValue(p.probabilities, key) ?? 0) : 0));
      const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      for (const i of order.slice(0, k)) data.push(`${scores[i]}:${i}:${keys[i]}`);
    }
    return data;
  };
  const keys = output.task === 'classification' ? output.labels.map(String) : [];
  const data = (name: string): (number | string | boolean)[] => {
    if (name === 'value') return predictions.map((p) => ('value' in p ? p.value : NaN));
    if (name === 'label') return predictions.map((p) => ('label' in p ? p.label : ''));
    // Row-major [N, K] in one preallocated array: no array per row on the bulk path.
    const values: number[] = new Array(predictions.length * keys.length);
    predictions.forEach((p, row) => {
      for (let k = 0; k < keys.length; k++)
        values[row * keys.length + k] = 'probabilities' in p ? (ownValue(p.probabilities, keys[k]!) ?? 0) : 0;
    });
    return values;
  };
  return specs
    .filter((spec) => !requested || requested.includes(spec.name))
    .map((spec) => {
      const k = classification.get(spec.name);
      return k === undefined
        ? { ...spec, data: data(spec.name) }
        : { name: spec.name, datatype: 'BYTES' as const, shape: [predictions.length, k], data: topK(k) };
    });
}
