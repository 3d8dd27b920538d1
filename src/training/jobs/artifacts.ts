import type { Database } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';

type JobRef = { id: string; projectId: string };

/** Where one attempt of a job saves its model: attempts never overwrite each other's files. */
export const attemptPrefix = (job: JobRef, attempt: number) => `models/${job.projectId}/${job.id}/attempt-${attempt}`;

/** Where a job's checkpoints live (one object each, the newest named by the job row). */
export const checkpointPrefix = (job: JobRef) => `checkpoints/${job.projectId}/${job.id}`;

/**
 * Deletes what a finished job no longer needs: every attempt's model files except
 * `keepArtifactKey` (the registered version's), and all its checkpoints.
 */
export async function collectJobGarbage(store: ArtifactStore, job: JobRef, keepArtifactKey?: string): Promise<void> {
  const attempts = new Set(
    (await store.list(`models/${job.projectId}/${job.id}`)).map((key) => key.split('/').slice(0, 4).join('/')),
  );
  for (const prefix of attempts) if (prefix !== keepArtifactKey) await store.deletePrefix(prefix);
  await store.deletePrefix(checkpointPrefix(job));
}

/**
 * The periodic sweep for artifacts whose job ended without cleaning up after itself (its
 * process died between saving and registering, or before deleting a checkpoint): finished
 * jobs keep only their version's files; files of jobs that no longer exist go. Jobs still
 * queued or running are left alone, whatever they hold, and so are trials of a search still running.
 */
export async function sweepOrphanedArtifacts(db: Database, store: ArtifactStore, logger: Logger): Promise<number> {
  const owners = new Map<string, JobRef>();
  for (const key of [...(await store.list('models')), ...(await store.list('checkpoints'))]) {
    const [, projectId, id] = key.split('/');
    if (projectId && id) owners.set(id, { id, projectId });
  }
  let swept = 0;
  const ids = [...owners.keys()];
  for (let offset = 0; offset < ids.length; offset += 500) {
    const batch = ids.slice(offset, offset + 500);
    const rows = await db.trainingJob.findMany({
      where: { id: { in: batch } },
      select: {
        id: true,
        status: true,
        checkpoint: true,
        modelVersion: { select: { artifactKey: true } },
        tuningTrial: { select: { tuningJob: { select: { status: true } } } },
      },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of batch) {
      const row = byId.get(id);
      if (row && (row.status === 'queued' || row.status === 'running')) continue;
      // A finished trial of a search still going keeps its model until the search picks its best.
      const search = row?.tuningTrial?.tuningJob.status;
      if (search === 'queued' || search === 'running') continue;
      await collectJobGarbage(store, owners.get(id)!, row?.modelVersion?.artifactKey);
      swept++;
    }
  }
  if (swept) logger.info({ jobs: swept }, 'swept artifacts of finished jobs');
  return swept;
}
