import type { Database } from '../db/client.ts';
import type { Prisma } from '../db/client.ts';
import { findModel } from '../registry/model-registry.ts';

export interface Feedback {
  predictionId: string;
  /** The true label (classification) or value (regression). */
  label: string | number | boolean;
}

/**
 * Joins ground truth to logged predictions of the model. Ids that name no logged prediction of
 * this model (of this project) are answered back, never guessed at; a later label replaces an
 * earlier one.
 */
export async function recordFeedback(db: Database, projectId: string, name: string, items: Feedback[]) {
  const model = await findModel(db, projectId, name);
  const now = new Date();
  const known = await db.predictionRecord.findMany({
    where: { modelId: model.id, projectId, id: { in: items.map((item) => item.predictionId) } },
    select: { id: true },
  });
  const ids = new Set(known.map((row) => row.id));
  await db.$transaction(
    items
      .filter((item) => ids.has(item.predictionId))
      .map((item) =>
        db.predictionRecord.update({
          where: { id: item.predictionId },
          data: { label: item.label as Prisma.InputJsonValue, labeledAt: now },
        }),
      ),
  );
  return {
    model: model.name,
    recorded: items.filter((item) => ids.has(item.predictionId)).length,
    unknown: items.filter((item) => !ids.has(item.predictionId)).map((item) => item.predictionId),
  };
}
