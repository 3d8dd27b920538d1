import { ValidationError, type FieldIssue } from '../errors.ts';
import type { Label, OutputSchema } from '../preprocessing/preprocessing-state.ts';
import type { Prediction } from './input-adapter.ts';
import type { ServedSignature } from './prediction-service.ts';
import { keyedByUser, keyedEntries, ownValue } from '../user-keys.ts';

/**
 * Conversions between TensorFlow Serving's REST formats (api_rest.md) and our instances and
 * predictions. Every model has one signature, `serving_default`: one named input per feature
 * (a scalar per example) and, for classification, the outputs `label` and `probabilities`
 * (columns in label order), for regression `value`.
 */

const B64_ONLY = (value: object): value is { b64: string } => {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'b64' && typeof (value as { b64: unknown }).b64 === 'string';
};

/**
 * `{"b64": "..."}` is TF Serving's binary value: decoded to bytes, which each model's input
 * adapter reads (an image feature as the image, a text or tabular one as UTF-8 text).
 * Decoding to text here would corrupt images.
 */
export function decodeValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && B64_ONLY(value))
    return Buffer.from(value.b64, 'base64');
  return value;
}

const isObject = (value: unknown) => value !== null && typeof value === 'object';
// for...in rather than Object.values: no array per instance on the bulk path.
const holdsObject = (instance: Record<string, unknown>) => {
  for (const key in instance) if (isObject(instance[key])) return true;
  return false;
};

/**
 * Row format: every value of every instance with `b64` objects decoded. Instances without an
 * object value (nearly all) are passed through as they are: copying a thousand rows per
 * request only to find nothing to decode showed in the bulk benchmark.
 */
export function instancesFromRows(instances: unknown[]): unknown[] {
  return instances.map((instance) => {
    if (Array.isArray(instance)) return instance.some(isObject) ? instance.map(decodeValue) : instance;
    if (isObject(instance)) {
      if (!holdsObject(instance as Record<string, unknown>)) return instance;
      return keyedEntries(Object.entries(instance as object).map(([key, value]) => [key, decodeValue(value)]));
    }
    return instance;
  });
}

/**
 * Columnar format: `inputs` maps each feature to its list of values (one per example), or is
 * itself a list when the signature's inputs are given unnamed, one row per example.
 */
export function instancesFromColumns(inputs: unknown): unknown[] {
  if (Array.isArray(inputs)) return instancesFromRows(inputs);
  if (inputs === null || typeof inputs !== 'object')
    throw new ValidationError('`inputs` must be an object of named inputs or a list.', [
      { path: 'inputs', message: 'expected an object or a list' },
    ]);
  const columns = Object.entries(inputs as Record<string, unknown>);
  if (columns.length === 0)
    throw new ValidationError('`inputs` names no input.', [{ path: 'inputs', message: 'is empty' }]);
  const issues: FieldIssue[] = [];
  const lengths = new Set<number>();
  for (const [name, values] of columns) {
    if (!Array.isArray(values))
      issues.push({ path: `inputs.${name}`, message: 'expected a list with one value per example' });
    else lengths.add(values.length);
  }
  if (issues.length === 0 && lengths.size > 1)
    issues.push({
      path: 'inputs',
      message: `every input must list the same number of examples; got ${[...lengths].join(', ')}`,
    });
  if (issues.length > 0) throw new ValidationError('The columnar `inputs` are malformed.', issues);
  const count = [...lengths][0] ?? 0;
  return Array.from({ length: count }, (_, row) => {
    const instance = keyedByUser<unknown>();
    for (const [name, values] of columns) instance[name] = decodeValue((values as unknown[])[row]);
    return instance;
  });
}

/** Classify/regress `examples` merged with the shared `context`; a one-element list is a scalar. */
export function instancesFromExamples(
  examples: Record<string, unknown>[],
  context: Record<string, unknown> = keyedByUser(),
): unknown[] {
  const issues: FieldIssue[] = [];
  const instances = examples.map((example, index) => {
    const instance = keyedByUser<unknown>();
    for (const [name, raw] of [...Object.entries(context), ...Object.entries(example)]) {
      if (Object.hasOwn(context, name) && Object.hasOwn(example, name))
        issues.push({ path: `examples.${index}.${name}`, message: 'also given in `context`' });
      let value = raw;
      if (Array.isArray(raw)) {
        if (raw.length > 1)
          issues.push({
            path: `examples.${index}.${name}`,
            message: 'every feature takes one value; got a list of several',
          });
        value = raw[0] ?? null;
      }
      instance[name] = decodeValue(value);
    }
    return instance;
  });
  if (issues.length > 0) throw new ValidationError('The examples are malformed.', issues);
  return instances;
}

/**
 * Columnar `outputs`: regression's one output is a plain list, as TF Serving writes a single
 * output. Classification: `label` and `scores` (the signature's outputs), and `probabilities`,
 * the same lists as `scores`, kept for clients written before `scores`.
 */
export function columnarOutputs(
  predictions: Prediction[],
  output: OutputSchema,
): { label: Label[]; scores: number[][]; probabilities: number[][] } | number[] {
  if (output.task === 'regression') return predictions.map((p) => ('value' in p ? p.value : NaN));
  const keys = output.labels.map(String);
  const scores = predictions.map((p) =>
    'probabilities' in p ? keys.map((key) => ownValue(p.probabilities, key) ?? 0) : [],
  );
  return { label: predictions.map((p) => ('label' in p ? p.label : '')), scores, probabilities: scores };
}

/** `:classify` result: per example, every `[label, score]` pair in label order. */
export function classifyResult(predictions: Prediction[], output: OutputSchema): [string, number][][] {
  if (output.task !== 'classification')
    throw new ValidationError('This model is a regression model; use :regress or :predict.', [
      { path: 'url', message: ':classify needs a classification model' },
    ]);
  const keys = output.labels.map(String);
  return predictions.map((p) =>
    keys.map((key): [string, number] => [key, 'probabilities' in p ? (ownValue(p.probabilities, key) ?? 0) : 0]),
  );
}

/** `:regress` result: one value per example. */
export function regressResult(predictions: Prediction[], output: OutputSchema): number[] {
  if (output.task !== 'regression')
    throw new ValidationError('This model is a classification model; use :classify or :predict.', [
      { path: 'url', message: ':regress needs a regression model' },
    ]);
  return predictions.map((p) => ('value' in p ? p.value : NaN));
}

/** One version's entry of `model_version_status`: every registered version is servable. */
export function versionStatus(version: number) {
  return {
    version: String(version),
    state: 'AVAILABLE' as const,
    status: { error_code: 'OK' as const, error_message: '' },
  };
}

const DTYPES = { number: 'DT_FLOAT', integer: 'DT_FLOAT', boolean: 'DT_BOOL', categorical: 'DT_STRING' } as const;
const tensorInfo = (name: string, dtype: string, dims: number[]) => ({
  dtype,
  tensor_shape: { dim: dims.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
  name,
});

/**
 * `GET .../metadata`: the model spec and its one signature, shaped as TF Serving writes it.
 * Classification outputs are `label` [-1] and `scores` [-1, K], the class probabilities as a
 * list in the order of `labels` (here in the metadata), exactly as each row answer's `scores`
 * holds them. (A row answer's `probabilities` is the same keyed by label: a JSON object, no
 * tensor, so the signature does not list it.)
 */
export function signatureMetadata(model: string, version: number, signature: ServedSignature) {
  const inputs = Object.fromEntries(
    signature.inputSchema.features.map((f) => [f.name, tensorInfo(f.name, DTYPES[f.type], [-1])]),
  );
  const output = signature.outputSchema;
  type TensorInfo = ReturnType<typeof tensorInfo>;
  const outputs: Record<string, TensorInfo> =
    output.task === 'regression'
      ? { value: tensorInfo('value', 'DT_FLOAT', [-1]) }
      : {
          label: tensorInfo(
            'label',
            output.labels.every((l) => typeof l === 'number') ? 'DT_FLOAT' : 'DT_STRING',
            [-1],
          ),
          scores: tensorInfo('scores', 'DT_FLOAT', [-1, output.labels.length]),
        };
  const methodName = output.task === 'regression' ? 'tensorflow/serving/regress' : 'tensorflow/serving/classify';
  return {
    model_spec: { name: model, signature_name: '', version: String(version) },
    metadata: {
      signature_def: {
        signature_def: { serving_default: { inputs, outputs, method_name: methodName } },
        labels: output.task === 'classification' ? output.labels.map(String) : [],
      },
    },
  };
}
