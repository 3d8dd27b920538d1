/**
 * Prediction inputs of deep model versions (the contract is input-adapter.ts):
 * - images: `{"b64": "<PNG/JPEG>"}` (TF Serving's binary convention), a bare base64 string,
 *   `{"<feature>": "<base64>"}` or `{"<feature>": {"b64": "..."}}` (see image-instances.ts);
 * - text: a string, `{"<feature>": "..."}`, or `["..."]`; a `{"b64": ...}` value (decoded to
 *   bytes by the serving formats) reads as UTF-8 text;
 * - sequences: an array of rows in time order, each an array of the features in input-schema
 *   order or an object keyed by feature (a plain number per row with one feature). Forecasts
 *   read the last `lookback` rows and answer the next `horizon` values, with the prediction
 *   interval of each when the version has them; classification pads or cuts to `lookback`.
 *   A version with calendar features reads them off the timestamps, so its rows are objects
 *   carrying the time column (`{"date": "2024-03-04", "sales": 12}`).
 */
import type { ImagePreprocessing, SequencePreprocessing, TextPreprocessing } from '../preprocessing/deep-state.ts';
import { imageInstancesToBatch, type ImageLimits } from '../preprocessing/image-instances.ts';
import { SequenceWindows, type SequenceRow } from '../preprocessing/sequence-windows.ts';
import { TextVectorizer } from '../preprocessing/text-vectorizer.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import {
  calendarFeatureNames,
  calendarTime,
  calendarValues,
  type CalendarState,
} from '../preprocessing/calendar-features.ts';
import { outputSchemaOf } from '../preprocessing/preprocessing-state.ts';
import { decodeOutputs, utf8, type InputAdapter } from './input-adapter.ts';
import { keyedByUser, ownValue } from '../user-keys.ts';

const MAX_ISSUES = 50;

function fail(issues: FieldIssue[]): never {
  throw new ValidationError(`${issues.length} invalid instance(s).`, issues.slice(0, MAX_ISSUES));
}

/** The one value of an instance keyed by `feature`, or an issue. */
function single(instance: unknown, feature: string, index: number, issues: FieldIssue[]): unknown {
  if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) return instance;
  const record = instance as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== feature)
      issues.push({
        path: `instances.${index}.${key}`,
        message: `Unknown feature '${key}'; this model reads '${feature}'.`,
      });
  return ownValue(record, feature);
}

/** Decoding and schemas of a classifier reading one feature (an image or a text). */
function oneFeatureClassifier(
  state: ImagePreprocessing | TextPreprocessing,
): Pick<InputAdapter, 'decode' | 'inputSchema' | 'outputSchema'> {
  return {
    decode: (outputs, rows) => decodeOutputs(state.target, outputs, rows),
    inputSchema: { features: [{ name: state.feature, type: 'categorical' }] },
    outputSchema: outputSchemaOf(state),
  };
}

/** Images are decoded within `limits` (pixels per image and per request), a slice at a time. */
export function imageAdapter(state: ImagePreprocessing, limits?: ImageLimits): InputAdapter {
  const { height, width, channels } = state.image;
  const rowSize = height * width * channels;
  return {
    rowSize,
    inputShape: [height, width, channels],
    encode: (instances) => imageInstancesToBatch(instances, state.image, state.feature, limits),
    ...oneFeatureClassifier(state),
  };
}

export function textAdapter(state: TextPreprocessing): InputAdapter {
  const vectorizer = TextVectorizer.fromJSON(state.vectorizer);
  const { maxLength } = vectorizer.config;
  return {
    rowSize: maxLength,
    inputShape: [maxLength],
    encode(instances) {
      const issues: FieldIssue[] = [];
      const out = new Float32Array(instances.length * maxLength);
      instances.forEach((instance, i) => {
        let value = single(instance, state.feature, i, issues);
        if (Array.isArray(value) && value.length === 1) value = value[0];
        value = utf8(value);
        if (typeof value !== 'string')
          issues.push({
            path:
              typeof instance === 'object' && instance !== null && !Array.isArray(instance)
                ? `instances.${i}.${state.feature}`
                : `instances.${i}`,
            message: `Expected a text (string) for '${state.feature}'.`,
          });
        else out.set(vectorizer.encode(value), i * maxLength);
      });
      if (issues.length > 0) fail(issues);
      return out;
    },
    ...oneFeatureClassifier(state),
  };
}

export function sequenceAdapter(state: SequencePreprocessing): InputAdapter {
  const windows = SequenceWindows.fromJSON(state.windows);
  const config = windows.config;
  const calendar = state.calendar;
  // Calendar features are the last inputs of each step; the instance gives the others and the timestamps.
  const calendarNames = calendar ? calendarFeatureNames(calendar) : [];
  const features = config.features.slice(0, config.features.length - calendarNames.length);
  const [timesteps] = windows.inputShape;
  const rowSize = timesteps * config.features.length;
  const forecast = config.mode === 'forecast';
  const intervals = state.intervals;
  return {
    rowSize,
    inputShape: [timesteps, config.features.length],
    encode(instances) {
      const issues: FieldIssue[] = [];
      const out = new Float32Array(instances.length * rowSize);
      instances.forEach((instance, i) => {
        const rows = readSeries(instance, features, `instances.${i}`, issues, calendar);
        if (rows === undefined) return;
        if (forecast && rows.length < timesteps) {
          issues.push({
            path: `instances.${i}`,
            message: `Forecasting reads the last ${timesteps} rows; got ${rows.length}.`,
          });
          return;
        }
        out.set((forecast ? windows.latestWindow(rows) : windows.classificationExamples([rows])).x, i * rowSize);
      });
      if (issues.length > 0) fail(issues);
      return out;
    },
    decode(outputs, rows) {
      if (!forecast) return decodeOutputs(state.target, outputs, rows);
      const horizon = windows.outputSize;
      return Array.from({ length: rows }, (_, row) => {
        const values = windows.unscaleForecast(outputs.subarray(row * horizon, (row + 1) * horizon));
        // `value` is the next step, as for any regression; `forecast` spells out every step.
        const point = horizon > 1 ? { value: values[0] ?? NaN, forecast: values } : { value: values[0] ?? NaN };
        if (!intervals) return point;
        const { level, lower, upper } = intervals;
        return {
          ...point,
          interval: {
            level,
            lower: values.map((v, h) => v + (lower[h] ?? 0)),
            upper: values.map((v, h) => v + (upper[h] ?? 0)),
          },
        };
      });
    },
    inputSchema: { features: features.map((name) => ({ name, type: 'number' as const })) },
    outputSchema: outputSchemaOf(state),
  };
}

/**
 * An instance's rows, checked: every value a finite number, and with `calendar` a timestamp
 * whose calendar features join the row; issues name `instances.<i>.<t>.<feature>`.
 */
function readSeries(
  instance: unknown,
  features: readonly string[],
  path: string,
  issues: FieldIssue[],
  calendar?: CalendarState,
): SequenceRow[] | undefined {
  if (!Array.isArray(instance) || instance.length === 0) {
    issues.push({ path, message: 'A sequence instance is a non-empty array of rows in time order.' });
    return undefined;
  }
  const before = issues.length;
  const rows = instance.map((row: unknown, t) => {
    const values: unknown[] | undefined =
      typeof row === 'number' && features.length === 1 ? [row] : Array.isArray(row) ? row : undefined;
    const out = keyedByUser<number>();
    if (values === undefined && (row === null || typeof row !== 'object')) {
      issues.push({
        path: `${path}.${t}`,
        message: `Expected a row of ${features.length} number(s) (${features.join(', ')}).`,
      });
      return out;
    }
    if (values !== undefined && values.length !== features.length)
      issues.push({
        path: `${path}.${t}`,
        message: `Expected ${features.length} value(s) (${features.join(', ')}), got ${values.length}.`,
      });
    features.forEach((name, f) => {
      const value = values !== undefined ? values[f] : ownValue(row as Record<string, unknown>, name);
      if (typeof value !== 'number' || !Number.isFinite(value))
        issues.push({ path: `${path}.${t}.${name}`, message: 'Expected a finite number.' });
      else out[name] = value;
    });
    if (calendar) addCalendar(row, out, calendar, `${path}.${t}`, issues);
    return out;
  });
  return issues.length > before ? undefined : rows;
}

/** The calendar features of one row from its timestamp, into `out`; an issue when the row has none. */
function addCalendar(
  row: unknown,
  out: Record<string, number>,
  calendar: CalendarState,
  path: string,
  issues: FieldIssue[],
): void {
  const { timeColumn, terms } = calendar;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    issues.push({
      path,
      message: `This model computes calendar features from each row's '${timeColumn}'; give rows as objects carrying it.`,
    });
    return;
  }
  const time = calendarTime(ownValue(row as Record<string, unknown>, timeColumn));
  if (Number.isNaN(time)) {
    issues.push({
      path: `${path}.${timeColumn}`,
      message: 'Expected an ISO date or date-time (2024-03-04, 2024-03-04T10:00:00Z).',
    });
    return;
  }
  const values = calendarValues(terms, time);
  calendarFeatureNames(calendar).forEach((name, k) => (out[name] = values[k]!));
}
