import type { Database } from '../db/client.ts';
import { findModel } from '../registry/model-registry.ts';

export interface Feedback {
  predictionId: string;
  /** The true label (classification) or value (regression). */
  label: string | number | boolean;
}

/**
 * Joins ground truth to logged predictions of the model, in one statement however many labels
 * arrive. Ids that name no logged prediction of this model (of this project) are answered back,
 * never guessed at; a later label replaces an earlier one, and of one id posted twice in a
 * request the last wins.
 */
export async function recordFeedback(db: Database, projectId: string, name: string, items: Feedback[]) {
  const model = await findModel(db, projectId, name);
  const latest = new Map(items.map((item) => [item.predictionId, item.label]));
  const ids = [...latest.keys()];
  const updated = await db.$queryRaw<{ id: string }[]>`
    UPDATE "PredictionRecord" r SET label = f.label, "labeledAt" = now()
    FROM unnest(${ids}::text[], ${ids.map((id) => JSON.stringify(latest.get(id)))}::jsonb[]) AS f(id, label)
    WHERE r.id = f.id AND r."modelId" = ${model.id} AND r."projectId" = ${projectId}
    RETURNING r.id`;
  const known = new Set(updated.map((row) => row.id));
  return {
    model: model.name,
    recorded: items.filter((item) => known.has(item.predictionId)).length,
    unknown: items.filter((item) => !known.has(item.predictionId)).map((item) => item.predictionId),
  };
}
