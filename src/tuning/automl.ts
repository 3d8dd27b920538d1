/**
 * `model.type: "auto"`: a small model search inside one training job. Within the request's time
 * budget it tries the families that fit the data (logistic or linear regression and an MLP for
 * tables; a CNN and an MLP for images; a 1-D CNN and a GRU for text; for a series, the comparison
 * of baselines and neural forecasters the sequence pipeline runs), each first with its default
 * settings and then with settings drawn from a built-in search space (random, then TPE on the
 * family's finished trials), stops trials that trail at a rung (ASHA), and keeps the model with
 * the lowest validation loss. The settings the request gives are kept; the rest are searched.
 *
 * Trials run one after another in the job's own worker (the job is the unit a worker runs, is
 * cancelled and resumes), each trial's verdicts depend only on the trials before it, and each
 * draws from a seed mixed from the search's seed and its number: one seed gives the same trials
 * whenever the budget does not cut the search short. When the budget runs out the trial running
 * stops and the best finished one is kept; a family's defaults are never stopped at a rung, so the
 * model kept is at least as good on validation as every family's defaults that finished.
 */
import { DomainError } from '../errors.ts';
import type { DataKind } from '../training/pipelines/deep-plan.ts';
import type { TrainingHooks, EpochReport } from '../training/loop/epoch-loop.ts';
import type { TrainingResult } from '../training/pipelines/dataset.ts';
import { AUTO_TEXT_CNN } from '../training/pipelines/text.ts';
import { TrainingCancelled } from '../training/loop/training-cancelled.ts';
import { TrainingPreempted } from '../training/loop/training-preempted.ts';
import { mix } from '../training/loop/gradient-step.ts';
import { SeededRandom } from '../ml/seeded-random.ts';
import { autoSearchedDefaults, type ModelLimits, type RequestedModelSpec } from '../models/model-spec.ts';
import { continuesAtRung, defaultMinEpochs, rungEpochs } from './asha.ts';
import { objectiveValue } from './request.ts';
import { materialize, type Params, type SearchSpace } from './search-space.ts';
import { sampleTpe, type Observation } from './tpe.ts';

/**
 * Trials per family: its defaults, two random points, then TPE for tables; the defaults and one
 * random point for the deep families, whose trials cost far more.
 */
export const TRIALS_PER_FAMILY = { tabular: 4, deep: 2 } as const;
/** ASHA's reduction factor: about a third of the trials reaching a rung go on. */
const REDUCTION_FACTOR = 3;

/** One family the search tries: the model type, its base spec and the space searched around it. */
export interface FamilyPlan {
  family: string;
  base: Record<string, unknown>;
  space: SearchSpace;
  /** Whether trials report comparable epochs to stop at rungs (a series comparison runs several models). */
  rungs: boolean;
  /** How many trials it gets (see TRIALS_PER_FAMILY). */
  trials: number;
}

/** A trial as the version records it. */
export interface AutoTrial {
  number: number;
  family: string;
  /** The searched settings' values; empty for a family's defaults. */
  params: Params;
  state: 'completed' | 'stopped' | 'failed';
  /** Validation loss of the weights kept (for a series: the best candidate's validation MAE). */
  objective: number | null;
  epochs: number;
  durationMs: number;
  /** Why a trial stopped or failed. */
  reason?: string;
}

/** What the version records of the search: every trial, and which was chosen and why. */
export interface AutoSearchRecord {
  budgetSeconds: number;
  objective: 'valLoss' | 'validationMae';
  families: string[];
  trials: AutoTrial[];
  chosen: { trial: number; family: string; reason: string };
  /** True when the budget ran out before every planned trial had run. */
  budgetExhausted: boolean;
}

/** The `auto` spec as the request stored it: the searched settings only where the request set them. */
export type AutoRequestSpec = Record<string, unknown> & {
  type: 'auto';
  epochs: number;
  /** Absent in a job row written before budgets existed. */
  budgetSeconds?: number;
  learningRate?: number;
  batchSize?: number;
  l2?: number;
};

/** No trial of the search finished: the budget ran out first. */
export class SearchFruitless extends Error {}

const logFloat = (min: number, max: number) => ({ type: 'float', min, max, scale: 'log' }) as const;
const logInt = (min: number, max: number) => ({ type: 'int', min, max, scale: 'log' }) as const;
const choice = (...values: number[]) => ({ type: 'choice', values }) as const;

/**
 * The families fitting `kind` and `task`, each with its base spec (the request's fields, the type
 * set) and its search space, less the settings the request fixed.
 */
export function autoFamilies(kind: DataKind, task: string, request: AutoRequestSpec): FamilyPlan[] {
  const { type: _type, budgetSeconds: _budget, ...given } = request;
  const fixed = new Set(Object.keys(autoSearchedDefaults).filter((key) => request[key] !== undefined));
  const training = (learningRate: [number, number], batchSizes: number[], l2: boolean): SearchSpace => {
    const space: SearchSpace = {};
    if (!fixed.has('learningRate')) space.learningRate = logFloat(...learningRate);
    if (!fixed.has('batchSize')) space.batchSize = choice(...batchSizes);
    if (l2 && !fixed.has('l2')) space.l2 = choice(0, 1e-4, 1e-3, 1e-2);
    return space;
  };
  const trials = kind === 'tabular' ? TRIALS_PER_FAMILY.tabular : TRIALS_PER_FAMILY.deep;
  const plan = (family: string, base: Record<string, unknown>, space: SearchSpace, rungs = true): FamilyPlan => ({
    family,
    base: { ...given, ...base, type: family === 'series' ? 'auto' : family },
    space,
    rungs,
    trials: Object.keys(space).length > 0 ? trials : 1,
  });
  const tabular = training([1e-3, 0.3], [16, 32, 64], true);
  const deep = training([3e-4, 3e-2], [32, 64], false);
  switch (kind) {
    case 'tabular':
      return [
        plan(task === 'classification' ? 'logistic' : 'linear', {}, tabular),
        plan(
          'mlp',
          { hiddenLayers: [{ units: 32, activation: 'relu', dropout: 0 }] },
          {
            ...tabular,
            'hiddenLayers.0.units': logInt(8, 128),
            'hiddenLayers.0.dropout': choice(0, 0.1, 0.3),
          },
        ),
      ];
    case 'image':
      return [
        plan('cnn', {}, { ...deep, denseDropout: choice(0, 0.25, 0.5) }),
        plan(
          'mlp',
          { hiddenLayers: [{ units: 64, activation: 'relu', dropout: 0 }] },
          {
            ...deep,
            'hiddenLayers.0.units': logInt(32, 256),
          },
        ),
      ];
    case 'text':
      return [
        plan('cnn', structuredClone(AUTO_TEXT_CNN), { ...deep, 'convBlocks.0.filters': logInt(16, 64) }),
        plan('gru', { units: [32] }, { ...deep, 'units.0': logInt(16, 64) }),
      ];
    case 'sequence':
      // The sequence pipeline compares seasonal-naive, linear, MLP and GRU forecasters itself.
      return [plan('series', {}, training([1e-3, 0.1], [32, 64, 128], false), false)];
  }
}

/** The trial schedule: families in turn, each its defaults first, then searched points; a family with nothing to search runs once. */
export function trialPlan(families: FamilyPlan[]): Array<{ family: FamilyPlan; round: number }> {
  const plan: Array<{ family: FamilyPlan; round: number }> = [];
  const rounds = Math.max(0, ...families.map((family) => family.trials));
  for (let round = 0; round < rounds; round++)
    for (const family of families) if (round < family.trials) plan.push({ family, round });
  return plan;
}

/** The smallest validation MAE of a series comparison's candidates, when it ran one. */
function candidatesMae(result: TrainingResult): number | null {
  const candidates = (result.metrics as { candidates?: Array<{ validationMae: number }> }).candidates;
  if (!candidates?.length) return null;
  return Math.min(...candidates.map((c) => c.validationMae));
}

export interface SearchOptions {
  /** The search's seed: trial n's settings and weights draw from mix(seed, n). */
  seed: number;
  /** How long the search may train; the trial running then stops. */
  budgetMs: number;
  limits?: ModelLimits;
  /** The job's own checks (cancelled, timed out): true ends the whole search with TrainingCancelled. */
  shouldStop?: () => boolean | Promise<boolean>;
  shouldPreempt?: () => boolean;
  /** Told each trial as it ends (progress). */
  onTrial?: (trial: AutoTrial) => void | Promise<void>;
  now?: () => number;
}

/**
 * Runs the search (see the file comment) with `train`, which trains one trial's model spec, and
 * returns the best trial's result (its hyperparameters record the search) and the record. Throws
 * SearchFruitless when no trial finished within the budget, the last trial's error when every
 * trial failed, and TrainingCancelled when the job's own checks stop it.
 */
export async function searchModel(
  families: FamilyPlan[],
  train: (model: RequestedModelSpec, hooks: TrainingHooks) => Promise<TrainingResult>,
  options: SearchOptions,
): Promise<{ result: TrainingResult; record: AutoSearchRecord }> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.budgetMs;
  const isSeries = families.some((f) => f.family === 'series');
  const trials: AutoTrial[] = [];
  /** Rung values of the trials so far, by rung epoch. */
  const rungValues = new Map<number, number[]>();
  let best: { result: TrainingResult; trial: AutoTrial } | undefined;
  let lastError: unknown;
  let budgetExhausted = false;
  const schedule = trialPlan(families);
  try {
    for (const [number, { family, round }] of schedule.entries()) {
      if (now() >= deadline) {
        budgetExhausted = true;
        break;
      }
      const random = new SeededRandom(mix(options.seed, number, 0xa070));
      const observations: Observation[] = trials
        .filter((t) => t.family === family.family && t.reason !== 'budget')
        .map((t) => ({
          params: t.params,
          loss: t.state === 'completed' && t.objective !== null ? t.objective : Infinity,
        }));
      const params: Params =
        round === 0 ? {} : sampleTpe(family.space, observations, random, { startupTrials: 2, candidates: 24 });
      const model = materialize(
        { ...family.base, seed: mix(options.seed, number, 0x5eed) & 0x7fffffff },
        params,
        options.limits,
      );
      const epochs = model.epochs;
      const rungs = family.rungs
        ? new Set(
            rungEpochs(
              { minEpochs: defaultMinEpochs(epochs, REDUCTION_FACTOR), reductionFactor: REDUCTION_FACTOR },
              epochs,
            ),
          )
        : new Set<number>();
      const reached: Array<[number, number]> = [];
      let bestValLoss = Infinity;
      let epochsRun = 0;
      let stop: 'rung' | 'budget' | undefined;
      const started = now();
      const trial: AutoTrial = {
        number,
        family: family.family,
        params,
        state: 'failed',
        objective: null,
        epochs: 0,
        durationMs: 0,
      };
      try {
        const result = await train(model, {
          onEpoch: (report: EpochReport) => {
            epochsRun = Math.max(epochsRun, report.epoch);
            if (report.valLoss !== undefined && report.valLoss < bestValLoss) bestValLoss = report.valLoss;
            if (!rungs.has(report.epoch) || !Number.isFinite(bestValLoss)) return;
            const earlier = rungValues.get(report.epoch) ?? [];
            reached.push([report.epoch, bestValLoss]);
            // A family's defaults always go on: they are the baselines the search must match.
            if (
              round > 0 &&
              earlier.length >= REDUCTION_FACTOR - 1 &&
              !continuesAtRung(bestValLoss, earlier, REDUCTION_FACTOR)
            )
              stop = 'rung';
          },
          shouldStop: async () => {
            if (stop) return true;
            if (now() >= deadline) {
              stop = 'budget';
              return true;
            }
            return (await options.shouldStop?.()) ?? false;
          },
          shouldPreempt: options.shouldPreempt,
        });
        trial.objective = isSeries ? candidatesMae(result) : objectiveValue('valLoss', result);
        if (trial.objective === null || !Number.isFinite(trial.objective)) {
          result.model.dispose();
          trial.objective = null;
          trial.reason = 'no finite validation loss (the run needs a validation split)';
        } else {
          trial.state = 'completed';
          if (!best || trial.objective < best.trial.objective!) {
            best?.result.model.dispose();
            best = { result, trial };
          } else result.model.dispose();
        }
      } catch (error) {
        if (error instanceof TrainingCancelled && stop === 'rung') {
          trial.state = 'stopped';
          const [epoch, value] = reached.at(-1)!;
          trial.reason = `trailed the earlier trials at the rung of epoch ${epoch} (validation loss ${value.toPrecision(4)})`;
        } else if (error instanceof TrainingCancelled && stop === 'budget') {
          trial.state = 'stopped';
          trial.reason = 'budget';
          budgetExhausted = true;
        } else if (
          error instanceof TrainingCancelled ||
          error instanceof TrainingPreempted ||
          !(error instanceof Error)
        ) {
          throw error;
        } else {
          trial.reason = error instanceof DomainError ? `${error.code}: ${error.message}` : error.message;
          lastError = error;
        }
      }
      for (const [epoch, value] of reached) rungValues.set(epoch, [...(rungValues.get(epoch) ?? []), value]);
      trial.epochs = epochsRun;
      trial.durationMs = Math.round(now() - started);
      trials.push(trial);
      await options.onTrial?.(trial);
      if (budgetExhausted) break;
    }
  } catch (error) {
    best?.result.model.dispose();
    throw error;
  }
  if (!best) {
    if (lastError && !budgetExhausted) throw lastError;
    throw new SearchFruitless(
      `No trial finished within the budget of ${options.budgetMs / 1000} s ` +
        `(${trials.length} started); give model.budgetSeconds more time.`,
    );
  }
  const objective = isSeries ? 'validationMae' : 'valLoss';
  const ranked = trials
    .filter((t) => t.state === 'completed')
    .sort((a, b) => a.objective! - b.objective! || a.number - b.number);
  const runnerUp = ranked[1];
  const chosen = best.trial;
  const record: AutoSearchRecord = {
    budgetSeconds: options.budgetMs / 1000,
    objective,
    families: families.map((f) => f.family),
    trials,
    chosen: {
      trial: chosen.number,
      family: chosen.family,
      reason:
        `the lowest ${objective === 'valLoss' ? 'validation loss' : 'validation MAE'} ` +
        `(${chosen.objective!.toPrecision(4)}) of ${ranked.length} finished trial(s)` +
        (runnerUp
          ? `; next: trial ${runnerUp.number} (${runnerUp.family}) ${runnerUp.objective!.toPrecision(4)}`
          : '') +
        (budgetExhausted ? '; the budget ran out before every trial had run' : ''),
    },
    budgetExhausted,
  };
  return { result: best.result, record };
}
