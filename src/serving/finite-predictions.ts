/**
 * The last check before predictions leave the service: every number finite. JSON would carry
 * NaN and Infinity as `null`, a silent non-answer a client could read as a probability; every
 * serving format (TF Serving rows, columns, classify and regress; V2 JSON and binary) passes
 * through the prediction service, which checks each request's predictions here.
 */
import { UnprocessableError, type FieldIssue } from '../errors.ts';
import type { Prediction } from './input-adapter.ts';

const MAX_LISTED = 50;

/**
 * Throws `non_finite_prediction` (422) naming every instance (up to 50) whose prediction holds
 * NaN or an infinity: a probability, a value, or a step of a forecast.
 */
export function assertFinitePredictions(predictions: readonly Prediction[]): void {
  const issues: FieldIssue[] = [];
  let count = 0;
  for (let i = 0; i < predictions.length; i++) {
    if (isFinitePrediction(predictions[i]!)) continue;
    count += 1;
    if (issues.length < MAX_LISTED)
      issues.push({ path: `instances.${i}`, message: "the model's output for this instance is NaN or infinite" });
  }
  const first = issues[0];
  if (first === undefined) return;
  throw new UnprocessableError(
    'non_finite_prediction',
    `The model's output for instance ${first.path.slice('instances.'.length)}` +
      `${count > 1 ? ` (and ${count - 1} more)` : ''} is not a finite number: ` +
      'its inputs are likely far outside the range the model was trained on.',
    issues,
  );
}

function isFinitePrediction(prediction: Prediction): boolean {
  if ('value' in prediction) {
    if (!Number.isFinite(prediction.value)) return false;
    // Sequence forecasts add every step after the first.
    const forecast = (prediction as { forecast?: readonly number[] }).forecast;
    return forecast === undefined || forecast.every(Number.isFinite);
  }
  for (const key in prediction.probabilities) if (!Number.isFinite(prediction.probabilities[key]!)) return false;
  return true;
}
