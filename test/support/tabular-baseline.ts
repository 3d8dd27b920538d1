import type { EvaluationMetrics } from '../../src/evaluation/evaluate-model.ts';
import { trainTabular, type TabularRequest } from '../../src/training/pipelines/tabular.ts';

/**
 * Trains on `input`, and scores `baseline` on the same request: a baseline prepares the request
 * again, so it fits exactly the split and encoding ours used and the two compare fairly.
 */
export async function trainBesideBaseline<M extends EvaluationMetrics>(
  input: TabularRequest,
  baseline: (input: TabularRequest) => M,
) {
  const result = await trainTabular(input);
  return { result, ours: result.metrics as M, baseline: baseline(input) };
}
