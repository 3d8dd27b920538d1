/**
 * `:explain`: each instance's prediction with the attributions that account for it, relative
 * to a baseline output. The math lives in src/explanations/; this module picks the method for
 * the version's kind, builds the baseline and folds attributions back to what the user sent
 * (dataset columns, pixels, tokens, time steps x features).
 *
 * The explained output is the probability of the predicted label (classification) or the
 * value (regression; a forecast's first step). Gradient methods explain the model's raw output
 * unit and map it through the decoding, which is affine in that unit (a probability read as it
 * is or as 1 − p, a value unscaled); the affine map is read off the adapter's own decode.
 */
import type { Config } from '../config/env.ts';
import { ConflictError, UnprocessableError, ValidationError } from '../errors.ts';
import { readBackground } from '../explanations/background.ts';
import { columnSlots } from '../explanations/column-slots.ts';
import { heatmap, pixelAttributions, type Heatmap } from '../explanations/heatmap.ts';
import {
  integratedGradients,
  smoothGrad,
  type ExplainedUnit,
  type GradientInput,
} from '../explanations/integrated-gradients.ts';
import { sampledShapley, type Player } from '../explanations/sampled-shapley.ts';
import { preprocessingKind, type DeepPreprocessing } from '../preprocessing/deep-state.ts';
import type { PreprocessingState } from '../preprocessing/preprocessing-state.ts';
import { TextVectorizer } from '../preprocessing/text-vectorizer.ts';
import type { VersionRef } from '../registry/model-registry.ts';
import { ownValue } from '../user-keys.ts';
import { utf8, type Prediction } from './input-adapter.ts';
import type { LoadedVersion, PredictionService } from './prediction-service.ts';

/** A loaded version with a TensorFlow.js model: every trained version, and imported TensorFlow.js ones. */
type ExplainableVersion = LoadedVersion & { model: NonNullable<LoadedVersion['model']> };

export const EXPLANATION_METHODS = ['shapley', 'integrated-gradients', 'smoothgrad'] as const;
export type ExplanationMethod = (typeof EXPLANATION_METHODS)[number];

export interface ExplanationOptions {
  method?: ExplanationMethod;
  samples?: number;
  steps?: number;
  seed?: number;
}

type Kind = ReturnType<typeof preprocessingKind>;

/** What each kind of model may be explained with; the first is its default. */
const METHODS: Record<Kind, readonly ExplanationMethod[]> = {
  tabular: ['shapley', 'integrated-gradients'],
  image: ['integrated-gradients', 'smoothgrad'],
  // Token ids are not differentiable inputs: tokens are players of a Shapley game instead.
  text: ['shapley'],
  sequence: ['integrated-gradients', 'smoothgrad'],
};

export interface Explanation {
  prediction: Prediction;
  explained: { output: 'probability' | 'value'; label?: string; value: number };
  baseline: number;
  attributions: { column: string; attribution: number }[];
  heatmap?: Heatmap;
  tokens?: { token: string; attribution: number }[];
  steps?: number[][];
}

export interface ExplanationResult {
  model: { name: string; version: number };
  method: ExplanationMethod;
  seed: number;
  explanations: Explanation[];
}

/** Rows per model call when evaluating Shapley coalitions. */
const EVALUATE_CHUNK = 4096;

export class ExplanationService {
  constructor(
    private readonly predictions: PredictionService,
    private readonly config: Config,
  ) {}

  /** The method, sample and step counts checked against the configured bounds (400 beyond them). */
  private checked(instances: unknown[], options: ExplanationOptions) {
    const { EXPLAIN_MAX_INSTANCES, EXPLAIN_MAX_SAMPLES, EXPLAIN_MAX_STEPS } = this.config;
    const issues = [];
    if (instances.length === 0) issues.push({ path: 'instances', message: 'is empty' });
    if (instances.length > EXPLAIN_MAX_INSTANCES)
      issues.push({ path: 'instances', message: `at most ${EXPLAIN_MAX_INSTANCES} instances per explanation` });
    if ((options.samples ?? 0) > EXPLAIN_MAX_SAMPLES)
      issues.push({ path: 'explanation.samples', message: `at most ${EXPLAIN_MAX_SAMPLES}` });
    if ((options.steps ?? 0) > EXPLAIN_MAX_STEPS)
      issues.push({ path: 'explanation.steps', message: `at most ${EXPLAIN_MAX_STEPS}` });
    if (issues.length > 0) throw new ValidationError('The explanation request exceeds its bounds.', issues);
    return {
      samples: options.samples ?? this.config.EXPLAIN_DEFAULT_SAMPLES,
      steps: options.steps ?? this.config.EXPLAIN_DEFAULT_STEPS,
      seed: options.seed ?? 0,
    };
  }

  async explain(
    projectId: string,
    name: string,
    ref: VersionRef,
    instances: unknown[],
    options: ExplanationOptions,
  ): Promise<ExplanationResult> {
    const { samples, steps, seed } = this.checked(instances, options);
    const resolved = await this.predictions.resolve(projectId, name, ref);
    return this.predictions.withLoaded(resolved, async (version) => {
      if (version.model === undefined)
        throw new ConflictError(
          'explanation_unavailable',
          'This version was imported as an ONNX model: explanations need a TensorFlow.js graph and a ' +
            'background sample from training, which it does not have.',
        );
      const loaded = version as ExplainableVersion;
      const kind = preprocessingKind(loaded.preprocessing);
      const method = options.method ?? METHODS[kind][0]!;
      if (!METHODS[kind].includes(method))
        throw new UnprocessableError(
          'explanation_method_unsupported',
          `A ${kind} model is explained with ${METHODS[kind].join(' or ')}, not ${method}.`,
          [{ path: 'explanation.method', message: `not available for ${kind} models` }],
        );
      // Encoded as :predict encodes: the dataset's unused columns ignored, imputed features noted.
      const imputed: (string[] | undefined)[] = [];
      const encoded = await loaded.adapter.encode(instances, { ignore: loaded.ignored, imputed });
      const width = loaded.adapter.rowSize;
      const explanations: Explanation[] = [];
      for (let i = 0; i < instances.length; i++) {
        const row = encoded.slice(i * width, (i + 1) * width);
        const context: InstanceContext = {
          loaded,
          row,
          instance: instances[i],
          imputed: imputed[i],
          samples,
          steps,
          seed,
          method,
        };
        explanations.push(await this.explainOne(kind, context));
      }
      return { model: { name: resolved.model, version: resolved.version }, method, seed, explanations };
    });
  }

  private async explainOne(kind: Kind, context: InstanceContext): Promise<Explanation> {
    const { loaded, row } = context;
    const prediction = (await loaded.steadyRun([row]))[0]!;
    // What :predict answers for the instance, imputed features included.
    if (context.imputed !== undefined) prediction.imputed = context.imputed;
    const read = explainedReader(prediction);
    const explained = explainedOf(prediction, read);
    if (kind === 'tabular') return this.tabular(context, prediction, explained, read);
    const state = loaded.preprocessing as unknown as DeepPreprocessing;
    if (state.kind === 'text') return this.text(context, state.feature, prediction, explained, read);
    const gradients = this.gradients(context, new Float32Array(row.length), read);
    const result = { prediction, explained: { ...explained, value: gradients.value }, baseline: gradients.baseline };
    if (state.kind === 'image') {
      const { height, width, channels } = state.image;
      const values = pixelAttributions(gradients.attributions, height, width, channels);
      return {
        ...result,
        attributions: [{ column: state.feature, attribution: sum(values) }],
        heatmap: heatmap(values, height, width),
      };
    }
    // Sequences: [timeStep][feature], and per feature over the window.
    const [timesteps, features] = loaded.adapter.inputShape as [number, number];
    const names = state.windows.config.features;
    const grid = Array.from({ length: timesteps }, (_, t) =>
      Array.from(gradients.attributions.subarray(t * features, (t + 1) * features)),
    );
    return {
      ...result,
      attributions: sortedByMagnitude(
        names.map((column, f) => ({ column, attribution: sum(grid.map((step) => step[f]!)) })),
      ),
      steps: grid,
    };
  }

  private async tabular(
    context: InstanceContext,
    prediction: Prediction,
    explained: Explanation['explained'],
    read: (p: Prediction) => number,
  ): Promise<Explanation> {
    const { loaded, row } = context;
    const slots = columnSlots(loaded.preprocessing);
    const background = readBackground(loaded.model, this.config.EXPLAIN_MAX_BACKGROUND);
    if (context.method === 'integrated-gradients') {
      // The path starts at the background's mean row, else at the all-zero row (every scaled number at its mean).
      const baseline = new Float32Array(row.length);
      if (background)
        for (let r = 0; r < background.rows; r++)
          for (let k = 0; k < row.length; k++) baseline[k]! += background.values[r * row.length + k]! / background.rows;
      const gradients = this.gradients(context, baseline, read);
      return {
        prediction,
        explained: { ...explained, value: gradients.value },
        baseline: gradients.baseline,
        attributions: sortedByMagnitude(
          slots.map(({ column, offset, width }) => ({
            column,
            attribution: sum(Array.from(gradients.attributions.subarray(offset, offset + width))),
          })),
        ),
      };
    }
    if (!background || background.width !== row.length)
      throw new ConflictError(
        'explanation_unavailable',
        'This version stores no background sample to measure Shapley values against (it was trained before ' +
          'explanations existed); ask for method integrated-gradients, or train a new version.',
      );
    const result = await sampledShapley({
      instance: row,
      background: Float32Array.from(background.values),
      backgroundRows: background.rows,
      players: slots,
      evaluate: (x, rows) => this.evaluate(loaded, x, rows, read),
      samples: context.samples,
      seed: context.seed,
    });
    return {
      prediction,
      explained: { ...explained, value: result.value },
      baseline: result.baseline,
      attributions: sortedByMagnitude(slots.map(({ column }, k) => ({ column, attribution: result.attributions[k]! }))),
    };
  }

  /** Text: the instance's tokens are the players; an absent token is padding. */
  private async text(
    context: InstanceContext,
    feature: string,
    prediction: Prediction,
    explained: Explanation['explained'],
    read: (p: Prediction) => number,
  ): Promise<Explanation> {
    const { loaded, row } = context;
    const state = loaded.preprocessing as unknown as Extract<DeepPreprocessing, { kind: 'text' }>;
    const vectorizer = TextVectorizer.fromJSON(state.vectorizer);
    const { maxLength, truncation, padding } = vectorizer.config;
    let tokens = vectorizer.tokenize(textOf(context.instance, feature));
    if (tokens.length > maxLength)
      tokens = truncation === 'post' ? tokens.slice(0, maxLength) : tokens.slice(tokens.length - maxLength);
    const first = padding === 'post' ? 0 : maxLength - tokens.length;
    const players: Player[] = tokens.map((_, k) => ({ offset: first + k, width: 1 }));
    const result = await sampledShapley({
      instance: row,
      background: new Float32Array(row.length),
      backgroundRows: 1,
      players,
      evaluate: (x, rows) => this.evaluate(loaded, x, rows, read),
      samples: context.samples,
      seed: context.seed,
    });
    return {
      prediction,
      explained: { ...explained, value: result.value },
      baseline: result.baseline,
      attributions: [{ column: feature, attribution: sum(result.attributions) }],
      tokens: tokens.map((token, k) => ({ token, attribution: result.attributions[k]! })),
    };
  }

  private gradients(context: InstanceContext, baseline: Float32Array, read: (p: Prediction) => number) {
    const { loaded, row } = context;
    const input: GradientInput = {
      model: loaded.model,
      instance: row,
      baseline,
      shape: loaded.adapter.inputShape,
      output: explainedUnit(loaded, read),
    };
    return context.method === 'smoothgrad'
      ? smoothGrad(input, context.samples, context.seed)
      : integratedGradients(input, context.steps);
  }

  /**
   * The explained output of each encoded row, through the version's steady pass (so the same
   * seed gives the same answer before and after the passes are timed) and decoding.
   */
  private async evaluate(
    loaded: LoadedVersion,
    x: Float32Array,
    rows: number,
    read: (p: Prediction) => number,
  ): Promise<number[]> {
    const width = loaded.adapter.rowSize;
    const out: number[] = [];
    for (let start = 0; start < rows; start += EVALUATE_CHUNK) {
      const count = Math.min(EVALUATE_CHUNK, rows - start);
      const chunk = Array.from({ length: count }, (_, r) => x.subarray((start + r) * width, (start + r + 1) * width));
      for (const p of await loaded.steadyRun(chunk)) out.push(read(p));
    }
    return out;
  }
}

interface InstanceContext {
  loaded: ExplainableVersion;
  /** The features the instance left out, imputed (as :predict lists them). */
  imputed: string[] | undefined;
  row: Float32Array;
  instance: unknown;
  samples: number;
  steps: number;
  seed: number;
  method: ExplanationMethod;
}

/** Reads the explained output off any prediction: the predicted label's probability, or the value. */
function explainedReader(prediction: Prediction): (p: Prediction) => number {
  if ('label' in prediction) {
    const key = String(prediction.label);
    return (p) => ('probabilities' in p ? (p.probabilities[key] ?? 0) : NaN);
  }
  return (p) => ('value' in p ? p.value : NaN);
}

function explainedOf(prediction: Prediction, read: (p: Prediction) => number): Explanation['explained'] {
  return 'label' in prediction
    ? { output: 'probability', label: String(prediction.label), value: read(prediction) }
    : { output: 'value', value: read(prediction) };
}

/**
 * The model output unit behind the explained output and the affine map from it: decoding an
 * all-zero output and one with that unit at 1 gives shift and shift + scale. The unit is the
 * predicted label's (one sigmoid unit serves both labels of a binary model) or the first value.
 */
function explainedUnit(loaded: ExplainableVersion, read: (p: Prediction) => number): ExplainedUnit {
  const units = loaded.model.outputs[0]!.shape.at(-1) ?? 1;
  const target = (loaded.preprocessing as PreprocessingState).target;
  let unit = 0;
  if (target.task === 'classification' && units > 1) {
    unit = target.labels.findIndex((_, k) => {
      const one = new Float32Array(units);
      one[k] = 1;
      return read(loaded.adapter.decode(one, 1)[0]!) === 1;
    });
  }
  const zero = read(loaded.adapter.decode(new Float32Array(units), 1)[0]!);
  const one = new Float32Array(units);
  one[unit] = 1;
  return { unit, shift: zero, scale: read(loaded.adapter.decode(one, 1)[0]!) - zero };
}

/** The text of a text model's instance, in any shape its adapter accepts (already validated). */
function textOf(instance: unknown, feature: string): string {
  let value = instance;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array))
    value = ownValue(value as Record<string, unknown>, feature);
  if (Array.isArray(value)) value = value[0];
  return String(utf8(value));
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function sortedByMagnitude<T extends { attribution: number }>(items: T[]): T[] {
  return items.sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
}
