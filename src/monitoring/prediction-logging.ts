import type { Database } from '../db/client.ts';
import { findModel } from '../registry/model-registry.ts';

/**
 * Sets the share of the model's prediction requests logged (0 turns logging off). The
 * resolver reads it with the version on every alias and default request, so it applies from
 * the next one; numbered version paths keep their resolution (and rate) for a few seconds.
 */
export async function setLogging(db: Database, projectId: string, name: string, sampleRate: number) {
  const model = await findModel(db, projectId, name);
  await db.model.update({ where: { id: model.id }, data: { logSampleRate: sampleRate } });
  return { model: model.name, sampleRate };
}

export async function getLogging(db: Database, projectId: string, name: string) {
  const model = await findModel(db, projectId, name);
  return { model: model.name, sampleRate: model.logSampleRate };
}
