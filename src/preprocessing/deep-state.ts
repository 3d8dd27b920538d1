/**
 * What a deep model version stores as its `preprocessing` JSON, so prediction prepares
 * inputs exactly as training did. Tabular versions store a PreprocessingState without a
 * `kind` (read as 'tabular'); deep ones carry `kind`: 'image', 'text' or 'sequence'.
 */
import type { PreprocessingState, TargetEncoding } from './preprocessing-state.ts';
import type { CalendarState } from './calendar-features.ts';
import type { ImageSpec } from './images.ts';
import type { SequenceWindowsState } from './sequence-windows.ts';
import type { TextVectorizerState } from './text-vectorizer.ts';

type ClassificationTarget = Extract<TargetEncoding, { task: 'classification' }>;

/** Images (PNG/JPEG bytes) brought to `image`; the model reads `[height, width, channels]`. */
export interface ImagePreprocessing {
  kind: 'image';
  version: 1;
  /** The dataset column holding the images (`image` for ZIP datasets). */
  feature: string;
  image: ImageSpec;
  target: ClassificationTarget;
}

/** One text column turned into token ids by the saved vectorizer. */
export interface TextPreprocessing {
  kind: 'text';
  version: 1;
  feature: string;
  vectorizer: TextVectorizerState;
  target: ClassificationTarget;
}

/**
 * Windows of `lookback` time-ordered rows of numeric features. Regression forecasts the
 * target's next `horizon` values (the windows state holds the scaling); classification
 * labels a window by the target at its last row.
 */
export interface SequencePreprocessing {
  kind: 'sequence';
  version: 1;
  windows: SequenceWindowsState;
  target: TargetEncoding;
  /** Forecasts: how the training rows were ordered, and the seasonal period of the baselines. */
  series?: { timeColumn?: string; seriesColumn?: string; season: number };
  /** Calendar features: the last inputs of each step, computed from each row's timestamp (calendar-features.ts). */
  calendar?: CalendarState;
  /** Forecasts: prediction intervals from the held-out errors. */
  intervals?: ForecastIntervals;
}

/** Prediction intervals as offsets from the point forecast, per step: [forecast + lower, forecast + upper]. */
export interface ForecastIntervals {
  level: number;
  lower: number[];
  upper: number[];
}

export type DeepPreprocessing = ImagePreprocessing | TextPreprocessing | SequencePreprocessing;
/** Any stored preprocessing: tabular (no `kind`, or `kind: 'tabular'`) or deep. */
export type AnyPreprocessing = (PreprocessingState & { kind?: 'tabular' }) | DeepPreprocessing;

/** The kind of a stored preprocessing JSON ('tabular' when it carries none). */
export function preprocessingKind(state: unknown): 'tabular' | DeepPreprocessing['kind'] {
  const kind = typeof state === 'object' && state !== null ? (state as { kind?: unknown }).kind : undefined;
  return kind === 'image' || kind === 'text' || kind === 'sequence' ? kind : 'tabular';
}
