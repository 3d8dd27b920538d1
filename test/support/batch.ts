import { readFile } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import { startBatchWorker } from '../../src/batch/batch-worker.ts';
import { startWebhookWorker } from '../../src/webhooks/webhook-worker.ts';
import type { TestEnv, TestTenant } from './test-env.ts';
import { fixture } from './training.ts';

/** Batch and webhook workers over the test app's own resources (close them before the environment). */
export function startBackgroundWorkers(env: TestEnv): Worker[] {
  return [startBatchWorker(env.deps, { maintenanceEveryMs: 0 }), startWebhookWorker(env.deps)];
}

/** Polls a batch prediction until it leaves queued/running. */
export async function waitForBatch(env: TestEnv, tenant: TestTenant, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (
      await env.app.inject({ method: 'GET', url: `/v1/batch-predictions/${id}`, headers: tenant.auth })
    ).json();
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Iris as CSV rows with an `id` column first, `id` = the row number (1-based). */
export async function irisWithIds(): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await readFile(fixture('tabular/iris.csv'), 'utf8')).trim().split('\n');
  const header = ['id', ...lines[0]!.split(',')];
  const rows = lines.slice(1).map((line, i) => [`c${i + 1}`, ...line.split(',')]);
  return { header, rows };
}

/** A small RFC 4180 reader for the test's own output checks (fields without embedded newlines). */
export function parseCsv(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const fields: string[] = [];
      let field = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') {
            field += '"';
            i++;
          } else if (c === '"') quoted = false;
          else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') {
          fields.push(field);
          field = '';
        } else field += c;
      }
      fields.push(field);
      return fields;
    });
}
