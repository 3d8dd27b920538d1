/** Where a batch prediction's files live in the artifact store (all under one prefix per job). */
type BatchRef = { id: string; projectId: string };

export const batchPrefix = (job: BatchRef) => `batch-predictions/${job.projectId}/${job.id}`;
export const uploadedInputKey = (job: BatchRef, format: string) => `${batchPrefix(job)}/input.${format}`;

const part = (index: number) => `part-${String(index).padStart(6, '0')}`;
export const outputPartKey = (job: BatchRef, index: number) => `${batchPrefix(job)}/output/${part(index)}`;
export const errorPartKey = (job: BatchRef, index: number) => `${batchPrefix(job)}/errors/${part(index)}`;
export const errorPartsPrefix = (job: BatchRef) => `${batchPrefix(job)}/errors`;
export const outputPartsPrefix = (job: BatchRef) => `${batchPrefix(job)}/output`;

/** The part index of an error part's key, or undefined for another key. */
export function partIndexOf(key: string): number | undefined {
  const match = /\/part-(\d{6,})$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
