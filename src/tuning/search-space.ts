/**
 * A tuning job's search space: named parameters over the model specification (dotted paths such
 * as `learningRate` or `hiddenLayers.0.units`), each a choice among values or an integer or float
 * range on a linear or log scale; how a point of it is drawn at random; and how a point turns
 * the base model spec into a trial's spec.
 */
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.ts';
import type { SeededRandom } from '../ml/seeded-random.ts';
import { createModelSpecSchema, defaultModelLimits, type ModelLimits } from '../models/model-spec.ts';

const choiceValue = z.union([z.string(), z.number(), z.boolean()]);

export const parameterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('choice'), values: z.array(choiceValue).min(1).max(64) }).strict(),
  z
    .object({
      type: z.literal('int'),
      min: z.number().int(),
      max: z.number().int(),
      scale: z.enum(['linear', 'log']).default('linear'),
    })
    .strict(),
  z
    .object({
      type: z.literal('float'),
      min: z.number(),
      max: z.number(),
      scale: z.enum(['linear', 'log']).default('linear'),
    })
    .strict(),
]);
export type Parameter = z.output<typeof parameterSchema>;
export type ChoiceValue = z.output<typeof choiceValue>;

/** A path into the model spec: keys and array indices joined by dots. */
const PARAMETER_PATH = /^[A-Za-z][A-Za-z0-9]*(\.(\d{1,2}|[A-Za-z][A-Za-z0-9]*)){0,3}$/;

export const searchSpaceSchema = z
  .record(
    z.string().regex(PARAMETER_PATH, 'a dotted path into the model spec, e.g. hiddenLayers.0.units'),
    parameterSchema,
  )
  .superRefine((space, ctx) => {
    if (Object.keys(space).length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one parameter' });
    if (Object.keys(space).length > 32) ctx.addIssue({ code: 'custom', message: 'at most 32 parameters' });
    for (const [name, parameter] of Object.entries(space)) {
      if (parameter.type === 'choice') continue;
      if (!(parameter.min <= parameter.max))
        ctx.addIssue({ code: 'custom', path: [name], message: 'min must not exceed max' });
      if (parameter.scale === 'log' && !(parameter.min > 0))
        ctx.addIssue({ code: 'custom', path: [name], message: 'a log scale needs min > 0' });
    }
  });
export type SearchSpace = z.output<typeof searchSpaceSchema>;

/** One point of the space: a value per parameter name. */
export type Params = Record<string, ChoiceValue>;

/** Parameter names in a fixed order, so a seed draws the same point whatever order the request listed them in. */
export const parameterNames = (space: SearchSpace) => Object.keys(space).sort();

/**
 * A range parameter in the space the samplers work in: the logarithm for a log scale, so that
 * 0.001 and 0.01 are as far apart as 0.01 and 0.1.
 */
export function toInternal(parameter: Exclude<Parameter, { type: 'choice' }>, value: number): number {
  return parameter.scale === 'log' ? Math.log(value) : value;
}

/** The internal bounds of a range parameter; integers get half a step each side so every integer is as likely. */
export function internalBounds(parameter: Exclude<Parameter, { type: 'choice' }>): [number, number] {
  const pad = parameter.type === 'int' ? 0.5 : 0;
  const low = parameter.min - pad;
  const high = parameter.max + pad;
  if (parameter.scale === 'log') return [Math.log(Math.max(low, parameter.min / 2)), Math.log(high)];
  return [low, high];
}

/** Back from the internal space, rounded and clipped for integers. */
export function fromInternal(parameter: Exclude<Parameter, { type: 'choice' }>, internal: number): number {
  const value = parameter.scale === 'log' ? Math.exp(internal) : internal;
  if (parameter.type === 'int') return Math.min(parameter.max, Math.max(parameter.min, Math.round(value)));
  return Math.min(parameter.max, Math.max(parameter.min, value));
}

/** A uniformly random point (on each parameter's scale). */
export function sampleRandom(space: SearchSpace, random: SeededRandom): Params {
  const params: Params = {};
  for (const name of parameterNames(space)) {
    const parameter = space[name]!;
    if (parameter.type === 'choice') {
      params[name] = parameter.values[Math.floor(random.next() * parameter.values.length)]!;
    } else {
      const [low, high] = internalBounds(parameter);
      params[name] = fromInternal(parameter, low + random.next() * (high - low));
    }
  }
  return params;
}

/** Keys some model family accepts: a path starting elsewhere is a typo, not another family's field. */
function knownKeys(limits: ModelLimits): Set<string> {
  const schema = createModelSpecSchema(limits);
  return new Set(schema.options.flatMap((option) => Object.keys(option.shape)));
}

/** Sets `value` at the dotted `path` of `target`, creating objects and arrays on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> | unknown[] = target;
  keys.forEach((key, index) => {
    const last = index === keys.length - 1;
    const slot = /^\d+$/.test(key) ? Number(key) : key;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[slot] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(keys[index + 1]!);
    const existing = container[slot];
    // Copy on the way down: the base spec is shared by every trial.
    const copy: Record<string, unknown> | unknown[] = Array.isArray(existing)
      ? existing.map((item) => (typeof item === 'object' && item !== null ? { ...item } : item))
      : typeof existing === 'object' && existing !== null
        ? { ...(existing as Record<string, unknown>) }
        : nextIsIndex
          ? []
          : {};
    container[slot] = copy;
    node = copy;
  });
}

/**
 * The trial's model spec: the base spec with the point's values set at their paths, parsed as
 * a training request's model is. Fields the drawn family does not take (an MLP's layers when
 * the point chose logistic regression) are dropped; anything else invalid throws a
 * ValidationError naming the parameters (`searchSpace.<name>`).
 */
export function materialize(
  base: Record<string, unknown>,
  params: Params,
  limits: ModelLimits = defaultModelLimits,
): z.output<ReturnType<typeof createModelSpecSchema>> {
  const schema = createModelSpecSchema(limits);
  const spec: Record<string, unknown> = structuredClone(base);
  for (const name of Object.keys(params).sort()) setPath(spec, name, params[name]);
  const known = knownKeys(limits);
  for (let round = 0; round < 2; round++) {
    const parsed = schema.safeParse(spec);
    if (parsed.success) return parsed.data;
    const foreign = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [],
    );
    const droppable = foreign.filter((key) => known.has(key));
    if (round === 0 && droppable.length === foreign.length && foreign.length > 0) {
      for (const key of droppable) delete spec[key];
      continue;
    }
    const issues: FieldIssue[] = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const parameter = Object.keys(params).find(
        (name) => name === path || name.startsWith(`${path}.`) || path.startsWith(`${name}.`),
      );
      return {
        path: parameter ? `searchSpace.${parameter}` : `model${path ? `.${path}` : ''}`,
        message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message,
      };
    });
    throw new ValidationError(
      `The search space yields an invalid model spec: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  throw new Error('unreachable');
}

/**
 * Points that exercise every edge of the space: all parameters at their low ends, all at their
 * high ends, and each choice value with the rest low. Submission materialises each, so a space
 * that can yield an invalid spec is refused before any trial runs.
 */
export function cornerPoints(space: SearchSpace): Params[] {
  const names = parameterNames(space);
  const low: Params = {};
  const high: Params = {};
  for (const name of names) {
    const parameter = space[name]!;
    low[name] = parameter.type === 'choice' ? parameter.values[0]! : parameter.min;
    high[name] = parameter.type === 'choice' ? parameter.values.at(-1)! : parameter.max;
  }
  const points = [low, high];
  for (const name of names) {
    const parameter = space[name]!;
    if (parameter.type === 'choice') for (const value of parameter.values) points.push({ ...low, [name]: value });
  }
  return points;
}
