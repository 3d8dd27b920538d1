import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputPartKey } from '../../src/batch/batch-files.ts';
import { irisWithIds, parseCsv, waitForBatch } from '../support/batch.ts';
import { createTenant, createTestEnv, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { startWorker, trainToSuccess, uploadCsv } from '../support/training.ts';
import { configEnv, startEntryPoint, stop, waitFor, type Proc } from './processes.ts';

let env: TestEnv;
let tenant: TestTenant;
let sql: pg.Client;
const procs: Proc[] = [];

beforeAll(async () => {
  // Parts of 10 rows: Iris with ids spans 15 parts.
  env = await createTestEnv({ BATCH_PART_ROWS: '10' });
  tenant = await createTenant(env);
  const dataset = await uploadCsv(env, tenant, 'tabular/iris.csv', 'iris');
  const worker = startWorker(env);
  try {
    await trainToSuccess(env, tenant, {
      datasetId: dataset.id,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs: 5, seed: 3 },
    });
  } finally {
    await worker.close();
  }
  sql = new pg.Client({ connectionString: env.config.DATABASE_URL });
  await sql.connect();
  // The test's hold on the job: while the gate is shut, recording the second part sleeps inside
  // its UPDATE, so the worker is killed at a known point (first part recorded, second written).
  await sql.query(`
    CREATE TABLE batch_test_gate (shut boolean NOT NULL);
    INSERT INTO batch_test_gate VALUES (true);
    CREATE FUNCTION batch_test_hold() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT shut FROM batch_test_gate) THEN PERFORM pg_sleep(300); END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER batch_test_hold BEFORE UPDATE ON "BatchPrediction" FOR EACH ROW
      WHEN (OLD."partsDone" = 1 AND NEW."partsDone" = 2) EXECUTE FUNCTION batch_test_hold();`);
}, 400_000);
afterAll(async () => {
  for (const proc of procs) await stop(proc);
  await sql?.end();
  await env?.close();
});

describe('a worker dies mid-batch (kill -9)', () => {
  it(
    'the next worker resumes at the first unrecorded part, and the output has every row exactly once',
    { timeout: 480_000 },
    async () => {
      const { header, rows } = await irisWithIds();
      const submitted = await env.app.inject({
        method: 'POST',
        url: '/v1/batch-predictions/upload?model=iris&passthrough=id',
        headers: { ...tenant.auth, 'content-type': 'text/csv' },
        payload: `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`,
      });
      expect(submitted.statusCode).toBe(202);
      const id = submitted.json().id as string;
      const job = { id, projectId: tenant.projectId };

      const first = startEntryPoint('src/cli/worker.ts', configEnv(env.config));
      procs.push(first);
      // The second part is written and its record is held by the gate.
      await waitFor(
        'the worker to be held recording the second part',
        async () =>
          (
            await sql.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`,
            )
          ).rowCount === 1,
        240_000,
        () => first.output(),
      );
      expect(await env.deps.store.exists(outputPartKey(job, 1))).toBe(true);
      expect((await env.deps.db.batchPrediction.findUniqueOrThrow({ where: { id } })).partsDone).toBe(1);

      first.child.kill('SIGKILL');
      await first.exited;
      // Open the gate and end the held transaction: the dead run's second part was never recorded.
      await sql.query('UPDATE batch_test_gate SET shut = false');
      await sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`,
      );
      expect((await env.deps.db.batchPrediction.findUniqueOrThrow({ where: { id } })).partsDone).toBe(1);

      const second = startEntryPoint('src/cli/worker.ts', configEnv(env.config));
      procs.push(second);
      const done = await waitForBatch(env, tenant, id, 180_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${second.output().slice(-4000)}`);
      });
      expect(done).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        progress: { rowsDone: 150, errorCount: 0, partsDone: 15 },
      });
      const output = await env.app.inject({
        method: 'GET',
        url: `/v1/batch-predictions/${id}/output`,
        headers: tenant.auth,
      });
      const [head, ...lines] = parseCsv(output.body);
      expect(head![0]).toBe('id');
      expect(lines.map((line) => line[0])).toEqual(rows.map((row) => row[0]));
    },
  );
});
