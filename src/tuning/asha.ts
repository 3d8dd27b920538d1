/**
 * Early stopping of bad trials by asynchronous successive halving (ASHA, Li et al. 2020; Optuna's
 * SuccessiveHalvingPruner): rungs at `minEpochs * eta^k` epochs; a trial reaching a rung goes on
 * only if its validation loss there is among the best 1/eta of the losses recorded at that rung
 * (its own included; the best one always goes on). Trailing trials stop and free their worker.
 *
 * Reproducible: a trial compares itself only with trials whose outcome was settled before it
 * started (see coordinator.ts: trial n starts once trials 0..n-P are over), never with trials
 * running beside it, so the verdicts do not depend on which worker was faster.
 */

export interface AshaSettings {
  /** Epochs before the first rung. */
  minEpochs: number;
  /** The reduction factor eta: about 1/eta of the trials go on at each rung. */
  reductionFactor: number;
}

/** One rung a trial reached: the epoch, its best validation loss so far, and the verdict. */
export interface RungResult {
  epoch: number;
  value: number;
  decision: 'continue' | 'stop';
}

/** Rung epochs below `epochs` (a trial that runs its epochs out is simply complete). */
export function rungEpochs(settings: AshaSettings, epochs: number): number[] {
  const rungs: number[] = [];
  for (let epoch = settings.minEpochs; epoch < epochs; epoch *= settings.reductionFactor) {
    rungs.push(epoch);
    if (settings.reductionFactor <= 1) break;
  }
  return rungs;
}

/** The default first rung: a third of a third of a third of the epochs, so there are about three rungs. */
export const defaultMinEpochs = (epochs: number, reductionFactor: number) =>
  Math.max(1, Math.ceil(epochs / reductionFactor ** 3));

/**
 * Whether a trial with `value` at a rung goes on, given the values `earlier` trials recorded at
 * the same rung: it must rank within the best max(1, floor(n / eta)) of the n values (its own
 * included). Ties go on.
 */
export function continuesAtRung(value: number, earlier: number[], reductionFactor: number): boolean {
  if (!Number.isFinite(value)) return false;
  const all = [...earlier.filter(Number.isFinite), value].sort((a, b) => a - b);
  const keep = Math.max(1, Math.floor(all.length / reductionFactor));
  return value <= all[keep - 1]!;
}
