import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTabularFixture } from '../fixtures/tabular/load-tabular-fixture.ts';
import { postDataset, waitForJob } from '../support/training.ts';
import { createConsoleEnv, findChromium, signIn, submitIrisJob, type ConsoleEnv } from '../support/console.ts';

const chromium = findChromium();
if (!chromium)
  console.warn(
    '\n!!!!! SKIPPING the console browser tests: no chromium found (apt-get install chromium, or set CHROMIUM_PATH) !!!!!\n',
  );

const EPOCHS = 12;

describe.skipIf(!chromium)('the web console in a real browser, against the real service', () => {
  let env: ConsoleEnv;
  let page: Page;
  let jobId: string;

  beforeAll(async () => {
    env = await createConsoleEnv(chromium!);
    page = await env.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // A Content-Security-Policy refusal shows up here: the console must run without any.
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
    });
    (page as Page & { errors?: string[] }).errors = errors;
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  const pageErrors = () => (page as Page & { errors?: string[] }).errors ?? [];

  it('signs in with an API key kept in session storage only', async () => {
    await signIn(page, env);
    expect(await page.evaluate('[sessionStorage.length, localStorage.length, document.cookie]')).toEqual([1, 0, '']);
    await expect(page.getByRole('link', { name: 'iris' }).textContent()).resolves.toBe('iris');
  });

  it("shows a dataset's columns with their profiles", async () => {
    await page.getByRole('link', { name: 'iris' }).click();
    await page.getByRole('table', { name: 'Columns' }).waitFor();
    const rows = await page.getByRole('table', { name: 'Columns' }).locator('tbody tr').count();
    expect(rows).toBe(5);
    await page.getByRole('button', { name: 'species' }).click();
    await page.getByRole('heading', { name: 'Column species' }).waitFor();
    expect(await page.getByRole('list', { name: 'Most frequent values (count)' }).locator('li').count()).toBe(3);
  });

  it('pages and filters the columns of a 200-column dataset', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const rows = Array.from({ length: 20 }, (_, r) => names.map((_, c) => (r * 7 + c) % 13).join(','));
    const upload = await postDataset(
      env.env,
      env.tenant.auth,
      'wide',
      [names.join(','), ...rows].join('\n'),
      'text/csv',
    );
    expect(upload.statusCode).toBe(201);
    await page.goto(`${env.base}/ui/#/datasets/${upload.json().id}`);
    const table = page.getByRole('table', { name: 'Columns' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(25);
    const info = page.locator('.page-info');
    expect(await info.textContent()).toBe('Page 1 of 8 (200 rows)');
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await info.textContent()).toBe('Page 2 of 8 (200 rows)');
    expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toBe('c025');
    await page.getByLabel('Filter columns').fill('c19');
    expect(await info.textContent()).toBe('Page 1 of 1 (10 rows)');
    expect(await table.locator('tbody tr').count()).toBe(10);
  });

  it("watches a job's loss curve grow from its event stream, to the end", async () => {
    jobId = await submitIrisJob(env, EPOCHS);
    await page.goto(`${env.base}/ui/#/jobs/${jobId}`);
    const chart = page.locator('[data-chart="loss"]');
    await chart.waitFor();
    // No worker yet: the job waits, and so does its curve.
    expect(await page.locator('#job-status').textContent()).toBe('queued');
    expect(await chart.getAttribute('data-points')).toBeNull();
    env.startWorker();
    // Locators, not page functions: the console's CSP forbids evaluating strings in its page.
    await page.locator('[data-chart="loss"][data-points]').waitFor({ timeout: 90_000 });
    const first = Number(await chart.getAttribute('data-points'));
    expect(first).toBeGreaterThan(0);
    await page.locator('#job-status.succeeded').waitFor({ timeout: 90_000 });
    expect(await chart.getAttribute('data-points')).toBe(String(EPOCHS));
    expect(await page.locator('#epoch-count').textContent()).toBe(String(EPOCHS));
    // The model's accuracy on the training and the validation split grew alongside, one point an epoch.
    const metrics = page.locator('[data-chart="metrics"]');
    expect(await metrics.getAttribute('data-points')).toBe(String(EPOCHS));
    expect(await metrics.locator('.u-legend .u-series').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('accuracy'), expect.stringContaining('valAccuracy')]),
    );
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'iris v1' }).waitFor();
  });

  it('opens the version: metrics, a non-empty confusion matrix, and ROC once the evaluation route has it', async () => {
    await waitForJob(env.env, env.tenant, jobId);
    await page.getByRole('link', { name: 'iris v1' }).click();
    const heatmap = page.locator('table[data-chart="confusion-matrix"]');
    await heatmap.waitFor();
    const counts = (await heatmap.locator('tbody td').allTextContents()).map(Number);
    expect(counts).toHaveLength(9);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await page.getByRole('table', { name: 'Metrics' }).waitFor();
    // The evaluation route comes with the explanations work: once it answers, its curves must show.
    const evaluation = await env.env.app.inject({
      method: 'GET',
      url: '/v1/models/iris/versions/1/evaluation',
      headers: env.tenant.auth,
    });
    if (evaluation.statusCode === 200) {
      // A fresh classification version has its ROC curves stored: the console must draw them.
      expect(evaluation.json().roc).not.toBeNull();
      await page.locator('[data-chart="roc"] canvas').first().waitFor();
      // The stored per-epoch curves: losses, and the accuracy on both splits.
      expect(Object.keys(evaluation.json().history.metrics).sort()).toEqual(['accuracy', 'valAccuracy']);
      await page.locator(`[data-chart="history-metrics"][data-points="${EPOCHS}"] canvas`).first().waitFor();
    } else {
      expect(evaluation.json()).toMatchObject({ code: 'route_not_found' });
      expect(await page.locator('[data-chart="roc"]').count()).toBe(0);
    }
    await page.getByRole('link', { name: `job ${jobId.slice(0, 8)}` }).waitFor();
  });

  it('promotes a version to an alias and shows its history', async () => {
    await page.goto(`${env.base}/ui/#/models/iris`);
    await page.getByLabel('Alias', { exact: true }).fill('production');
    await page.getByLabel('Version', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Promote' }).click();
    const alias = page.locator('.alias[data-alias="production"]');
    await alias.getByRole('link', { name: 'v1' }).waitFor();
    await alias.getByRole('list', { name: 'History of production' }).locator('li').first().waitFor();
    const model = await env.env.app.inject({ method: 'GET', url: '/v1/models/iris', headers: env.tenant.auth });
    expect(model.json().aliases).toEqual({ production: 1 });
  });

  it("lists a monitored version's drift alerts on the model's page", async () => {
    const call = (method: 'POST' | 'PUT', url: string, payload: object) =>
      env.env.app.inject({ method, url, headers: env.tenant.auth, payload });
    expect((await call('PUT', '/v1/models/iris/logging', { sampleRate: 1 })).statusCode).toBe(200);
    const monitored = await call('PUT', '/v1/models/iris/versions/1/monitoring', { windowMinutes: 60, minSamples: 40 });
    expect(monitored.statusCode, monitored.body).toBe(200);
    // Real iris rows with the petals three times as long: a known shift of two features.
    const { rows } = loadTabularFixture('iris');
    const instances = rows.slice(0, 60).map((row) => ({
      sepal_length: row.sepal_length,
      sepal_width: row.sepal_width,
      petal_length: (row.petal_length as number) * 3,
      petal_width: (row.petal_width as number) * 3,
    }));
    expect((await call('POST', '/v1/models/iris/versions/1:predict', { instances })).statusCode).toBe(200);
    await env.env.deps.predictions.traffic.flush();
    const run = await call('POST', '/v1/models/iris/versions/1/monitoring/run', {});
    const alerted: string[] = run.json().alerts.map((a: { feature: string }) => a.feature);
    expect(alerted).toContain('petal_length');

    // The page may be showing this model already (same address): loaded afresh.
    await page.goto(`${env.base}/ui/#/models/iris`);
    await page.reload();
    const table = page.getByRole('table', { name: 'Drift alerts of iris' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(alerted.length);
    expect(await table.locator('tbody').textContent()).toContain('petal_length');
  });

  it('predicts in the playground from a form generated from the input schema', async () => {
    await page.goto(`${env.base}/ui/#/playground?model=iris&version=1`);
    const values: Record<string, string> = {
      sepal_length: '6.7',
      sepal_width: '3.0',
      petal_length: '5.2',
      petal_width: '2.3',
    };
    for (const [name, value] of Object.entries(values)) await page.getByLabel(`${name} (number)`).fill(value);
    await page.getByRole('button', { name: 'Predict' }).click();
    const label = page.locator('#pg-label');
    await label.waitFor();
    const expected = await env.env.app.inject({
      method: 'POST',
      url: '/v1/models/iris/versions/1:predict',
      headers: env.tenant.auth,
      payload: { instances: [Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)]))] },
    });
    expect(await label.textContent()).toBe(`Label: ${expected.json().predictions[0].label}`);
    // Explanations come with the explanations work: bars once :explain answers, a plain note before.
    await page.getByRole('button', { name: 'Explain' }).click();
    const explained = await env.env.app.inject({
      method: 'POST',
      url: '/v1/models/iris/versions/1:explain',
      headers: env.tenant.auth,
      payload: { instances: [Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)]))] },
    });
    if (explained.statusCode === 200)
      await page.getByRole('list', { name: 'Attribution per column' }).locator('li').first().waitFor();
    else await page.getByText('This service does not offer explanations.').waitFor();
    expect(pageErrors()).toEqual([]);
  });
});
