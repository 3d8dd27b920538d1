import type { Database } from '../db/client.ts';
import { findModel } from '../registry/model-registry.ts';

export interface Feedback {
  predictionId: string;
  /** The true label (classification) or value (regression). */
  label: string | number | boolean;
}

/**
 * Joins ground truth to logged predictions of the model, in one statement however many labels
 * arrive: each id names its batch and position (`<batch>.<position>`), and the answer it judges
 * is copied from the batch beside the label. Ids that name no logged prediction of this model
 * (of this project, of a version that still exists) are answered back, never guessed at; a later
 * label replaces an earlier one, and of one id posted twice in a request the last wins.
 */
export async function recordFeedback(db: Database, projectId: string, name: string, items: Feedback[]) {
  const model = await findModel(db, projectId, name);
  const latest = new Map(items.map((item) => [item.predictionId, item.label]));
  const ids = [...latest.keys()];
  const recorded = await db.$queryRaw<{ id: string }[]>`
    WITH posted AS (
      SELECT f.id, f.label, split_part(f.id, '.', 1) AS batch,
        -- CASE: the cast never sees an id that is not ours, whatever order the planner picks.
        CASE WHEN f.id ~ '^[0-9a-f-]{36}[.][0-9]{1,9}$' THEN split_part(f.id, '.', 2)::int + 1 END AS position
      FROM unnest(${ids}::text[], ${ids.map((id) => JSON.stringify(latest.get(id)))}::jsonb[]) AS f(id, label)
    )
    INSERT INTO "PredictionFeedback"
      ("predictionId", "projectId", "modelId", "versionId", shadow, predicted, label, "predictedAt")
    SELECT p.id, b."projectId", b."modelId", v.id, b.shadows[p.position], b.predicted[p.position]::jsonb, p.label, b."createdAt"
    FROM posted p
    JOIN "PredictionLogBatch" b ON b.id = p.batch AND b."modelId" = ${model.id} AND b."projectId" = ${projectId}
    JOIN "ModelVersion" v ON v.id = b."versionIds"[p.position]
    ON CONFLICT ("predictionId") DO UPDATE SET label = excluded.label, "labeledAt" = now()
    RETURNING "predictionId" AS id`;
  const known = new Set(recorded.map((row) => row.id));
  return {
    model: model.name,
    recorded: items.filter((item) => known.has(item.predictionId)).length,
    unknown: items.filter((item) => !known.has(item.predictionId)).map((item) => item.predictionId),
  };
}
