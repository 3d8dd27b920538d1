/**
 * `npm run demo`: the whole loop over HTTP on a bundled real dataset — create a project and
 * key, upload Palmer Penguins, train a species classifier, read its evaluation, promote it,
 * and predict. Uses the service at DEMO_URL (default http://127.0.0.1:$PORT) when one is
 * running; otherwise starts one in this process (migrations, API and a worker).
 */
import { readFile } from 'node:fs/promises';
import { startServer } from '../api/server.ts';
import { resolveAdminToken } from '../auth/admin-token.ts';
import { loadConfig } from '../config/env.ts';
import { migrate } from '../db/migrate.ts';
import { projectPath } from '../project-paths.ts';
import { createDeps } from '../deps.ts';
import { createLogger } from '../logger.ts';
import { startTrainingWorker } from '../training/jobs/worker.ts';
import { runCli } from './run-cli.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function isUp(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

await runCli(async () => {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const base = process.env.DEMO_URL ?? `http://127.0.0.1:${config.PORT}`;
  let stop: (() => Promise<void>) | undefined;
  if (!(await isUp(base))) {
    say(`No service at ${base}; starting one here (migrations, API, one worker)...`);
    await migrate(config.DATABASE_URL, createLogger('warn'));
    const deps = await createDeps({ ...config, HOST: '127.0.0.1' });
    const worker = startTrainingWorker(deps);
    const app = await startServer(deps, [() => worker.close()]);
    stop = () => app.close();
  }
  const admin = (await resolveAdminToken(config.MAAS_ADMIN_TOKEN, config.ARTIFACT_DIR)).token;

  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    type = 'application/json',
  ): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof Uint8Array
            ? body
            : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${JSON.stringify(json)}`);
    return json;
  }

  try {
    const project = await call<{ id: string }>('POST', '/v1/projects', admin, { name: 'demo' });
    const { key } = await call<{ key: string }>('POST', `/v1/projects/${project.id}/api-keys`, admin, {
      name: 'demo',
      scopes: ['read', 'write', 'predict'],
    });
    say(`1. Created project ${project.id} and an API key (${key.slice(0, 13)}...).`);

    const csv = await readFile(projectPath('examples', 'penguins.csv'));
    const dataset = await call<{
      id: string;
      rowCount: number;
      columns: { name: string; type: string; missing: number }[];
    }>('POST', '/v1/datasets?name=penguins', key, csv, 'text/csv');
    const columns = dataset.columns
      .map((c) => `${c.name}:${c.type}${c.missing ? ` (${c.missing} missing)` : ''}`)
      .join(', ');
    say(`2. Uploaded penguins.csv: ${dataset.rowCount} rows; columns ${columns}.`);

    const job = await call<{ id: string }>('POST', '/v1/training-jobs', key, {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'penguin-species',
      model: {
        type: 'mlp',
        hiddenLayers: [{ units: 16 }],
        epochs: 40,
        learningRate: 0.01,
        earlyStopping: { patience: 5 },
        seed: 42,
      },
    });
    say(`3. Queued training job ${job.id} (MLP, early stopping).`);
    let status: {
      status: string;
      progress: { epochs: { epoch: number; loss: number; valLoss?: number }[] };
      metrics: Record<string, unknown> | null;
      result: { version: number } | null;
      error: unknown;
    };
    let shown = 0;
    for (;;) {
      status = await call('GET', `/v1/training-jobs/${job.id}`, key);
      for (const epoch of status.progress.epochs.slice(shown)) {
        if (epoch.epoch % 5 === 0 || epoch.epoch === 1)
          say(
            `   epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(4)}` +
              (epoch.valLoss === undefined ? '' : `, validation loss ${epoch.valLoss.toFixed(4)}`),
          );
      }
      shown = status.progress.epochs.length;
      if (!['queued', 'running'].includes(status.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (status.status !== 'succeeded') throw new Error(`training ${status.status}: ${JSON.stringify(status.error)}`);
    const metrics = status.metrics as { accuracy: number; macro: { f1: number }; logLoss: number; rocAuc?: number };
    say(
      `4. Trained version ${status.result!.version}. Held-out test split: accuracy ${metrics.accuracy.toFixed(3)}, ` +
        `macro F1 ${metrics.macro.f1.toFixed(3)}, log loss ${metrics.logLoss.toFixed(3)}.`,
    );

    await call('PUT', '/v1/models/penguin-species/aliases/production', key, { version: status.result!.version });
    say(`5. Promoted version ${status.result!.version} to 'production'.`);

    const instances = [
      {
        island: 'Torgersen',
        beak_length_mm: 39.1,
        beak_depth_mm: 18.7,
        flipper_length_mm: 181,
        body_mass_g: 3750,
        sex: 'MALE',
      },
      {
        island: 'Dream',
        beak_length_mm: 49.0,
        beak_depth_mm: 19.5,
        flipper_length_mm: 210,
        body_mass_g: 3950,
        sex: 'MALE',
      },
      {
        island: 'Biscoe',
        beak_length_mm: 47.5,
        beak_depth_mm: 14.2,
        flipper_length_mm: 209,
        body_mass_g: 4600,
        sex: null,
      },
    ];
    const answer = await call<{
      predictions: { label: string; probabilities: Record<string, number> }[];
      model: { version: number };
    }>('POST', '/v1/models/penguin-species:predict', key, { instances });
    say(`6. Predictions from production (version ${answer.model.version}):`);
    answer.predictions.forEach((p, i) =>
      say(`   ${JSON.stringify(instances[i])} -> ${p.label} (p=${p.probabilities[p.label]!.toFixed(3)})`),
    );
  } finally {
    await stop?.();
  }
});
