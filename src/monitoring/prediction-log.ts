import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { InputSchema } from '../preprocessing/preprocessing-state.ts';
import { predictionLogPrefix, type PredictionLogLine } from './traffic-recorder.ts';

/** The timestamp part of a log key (predictionLogKey) for `at`, comparable as text. */
const stamp = (at: Date) => at.toISOString().replace(/[:.]/g, '-');

/**
 * The logged predictions of a model written at or after `since`, oldest first, optionally of
 * one version only. Each flush is one object whose key starts with its time, so a window is a
 * listing and the objects it names.
 */
export async function readPredictionLog(
  store: ArtifactStore,
  projectId: string,
  modelId: string,
  since: Date,
  versionId?: string,
): Promise<PredictionLogLine[]> {
  const prefix = predictionLogPrefix(projectId, modelId);
  const from = stamp(since);
  const keys = (await store.list(prefix)).filter((key) => key.slice(prefix.length + 1) >= from).sort();
  const lines: PredictionLogLine[] = [];
  for (const key of keys) {
    const text = (await store.read(key)).toString('utf8');
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      const line = JSON.parse(raw) as PredictionLogLine;
      if (versionId === undefined || line.versionId === versionId) lines.push(line);
    }
  }
  return lines;
}

/** A logged instance keyed by feature name (array instances are in input-schema order). */
export function namedInstance(instance: unknown, schema: InputSchema): Record<string, unknown> {
  if (Array.isArray(instance)) return Object.fromEntries(schema.features.map((f, i) => [f.name, instance[i] ?? null]));
  if (instance !== null && typeof instance === 'object') return instance as Record<string, unknown>;
  return {};
}
