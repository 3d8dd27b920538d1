import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive } from '../../src/datasets/image-archive.ts';
import {
  createConsoleEnv,
  findChromium,
  focused,
  focusOrder,
  signIn,
  unlabelledControls,
  type ConsoleEnv,
} from '../support/console.ts';
import { fixture, postDataset, trainToSuccess, uploadFixture } from '../support/training.ts';

const chromium = findChromium();
if (!chromium)
  console.warn(
    '\n!!!!! SKIPPING the console browser tests: no chromium found (apt-get install chromium, or set CHROMIUM_PATH) !!!!!\n',
  );

const VERSIONS = 10_000;

describe.skipIf(!chromium)('the console with image and text models, 10,000 versions, by keyboard', () => {
  let env: ConsoleEnv;
  let page: Page;
  let digit: Buffer;

  beforeAll(async () => {
    env = await createConsoleEnv(chromium!);
    env.startWorker();
    const zip = await readFile(fixture('images/digits.zip'));
    digit = Buffer.from((await readImageArchive(zip)).images[0]!.bytes);
    const digits = await postDataset(env.env, env.tenant.auth, 'digits', zip, 'application/zip');
    expect(digits.statusCode).toBe(201);
    await trainToSuccess(env.env, env.tenant, {
      datasetId: digits.json().id,
      target: 'label',
      modelName: 'digits',
      model: { type: 'cnn', epochs: 2, learningRate: 0.01, seed: 1, convBlocks: [{ filters: 8, kernelSize: 3 }] },
    });
    const topics = await uploadFixture(env.env, env.tenant, 'text/topics.ndjson', 'topics');
    await trainToSuccess(env.env, env.tenant, {
      datasetId: topics.id,
      target: 'topic',
      modelName: 'topics',
      model: {
        type: 'transformer',
        embedDim: 8,
        numHeads: 1,
        ffDim: 16,
        epochs: 2,
        batchSize: 16,
        learningRate: 0.01,
        seed: 1,
        text: { maxTokens: 500, maxLength: 12 },
      },
    });
    const cars = await uploadFixture(env.env, env.tenant, 'tabular/cars.csv', 'cars');
    await trainToSuccess(env.env, env.tenant, {
      datasetId: cars.id,
      target: 'miles_per_gallon',
      task: 'regression',
      features: ['cylinders', 'displacement', 'horsepower', 'weight_in_lbs'],
      modelName: 'cars',
      model: { type: 'linear', epochs: 5, learningRate: 0.05, seed: 3 },
    });
    // 10,000 versions of one model, written straight to the database (copies of digits v1).
    await env.env.deps.db.$executeRaw`
      INSERT INTO "Model" (id, "projectId", name, task, "latestVersion", "updatedAt")
      SELECT gen_random_uuid(), "projectId", 'many', task, ${VERSIONS}, now() FROM "Model" WHERE name = 'digits'`;
    await env.env.deps.db.$executeRaw`
      INSERT INTO "ModelVersion" (id, "modelId", version, "datasetId", "modelType", task, "artifactKey",
        "artifactSha256", hyperparameters, preprocessing, "inputSchema", "outputSchema", metrics, backend,
        "trainingDurationMs", "createdAt")
      SELECT gen_random_uuid(), m.id, n, v."datasetId", v."modelType", v.task, v."artifactKey", v."artifactSha256",
        v.hyperparameters, v.preprocessing, v."inputSchema", v."outputSchema", v.metrics, v.backend,
        v."trainingDurationMs", v."createdAt" + n * interval '1 second'
      FROM "ModelVersion" v
      JOIN "Model" d ON d.id = v."modelId" AND d.name = 'digits'
      JOIN "Model" m ON m.name = 'many' AND m."projectId" = d."projectId"
      CROSS JOIN generate_series(1, ${VERSIONS}) AS n`;
    page = await env.browser.newPage();
    await signIn(page, env);
  }, 300_000);
  afterAll(async () => {
    await env?.close();
  });

  it('predicts and explains an uploaded image: the label and a heatmap', async () => {
    await page.goto(`${env.base}/ui/#/playground?model=digits&version=1`);
    await page
      .getByLabel('Image (PNG or JPEG)')
      .setInputFiles({ name: 'digit.png', mimeType: 'image/png', buffer: digit });
    await page.getByRole('button', { name: 'Predict' }).click();
    const expected = await env.env.app.inject({
      method: 'POST',
      url: '/v1/models/digits/versions/1:predict',
      headers: env.tenant.auth,
      payload: { instances: [{ b64: digit.toString('base64') }] },
    });
    await page.locator('#pg-label').waitFor();
    expect(await page.locator('#pg-label').textContent()).toBe(`Label: ${expected.json().predictions[0].label}`);
    await page.getByRole('button', { name: 'Explain' }).click();
    const heatmap = page.getByRole('img', { name: 'Attribution heatmap over the image' });
    await heatmap.waitFor();
    expect(await heatmap.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // The image's one column, the sum of its pixel map.
    expect(await page.getByRole('list', { name: 'Attribution per column' }).locator('li').count()).toBe(1);
  });

  it('predicts and explains a text: the label and one attribution per token', async () => {
    await page.goto(`${env.base}/ui/#/playground?model=topics&version=1`);
    await page.getByLabel('Text', { exact: true }).fill('The telescope captured a faint galaxy');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.locator('#pg-label').waitFor();
    expect(await page.locator('#pg-label').textContent()).toMatch(/^Label: \S+/);
    await page.getByRole('button', { name: 'Explain' }).click();
    const tokens = page.getByRole('list', { name: 'Attribution per token' });
    await tokens.waitFor();
    expect(await tokens.locator('.bar-name').allTextContents()).toEqual([
      'the',
      'telescope',
      'captured',
      'a',
      'faint',
      'galaxy',
    ]);
  });

  it("shows an image model's training and validation accuracy per epoch and its region importance", async () => {
    await page.goto(`${env.base}/ui/#/models/digits/versions/1`);
    await page.locator('[data-chart="history-metrics"][data-points="2"] canvas').first().waitFor();
    const importance = page.getByRole('list', { name: /^Permutation importance \(accuracy, 3 repeats\)/ });
    expect(await importance.locator('li').count()).toBe(16);
  });

  it("shows a regression version's MAE per epoch, residuals histogram and predicted-against-actual points", async () => {
    const evaluation = (
      await env.env.app.inject({
        method: 'GET',
        url: '/v1/models/cars/versions/1/evaluation',
        headers: env.tenant.auth,
      })
    ).json();
    expect(Object.keys(evaluation.history.metrics).sort()).toEqual(['mae', 'valMae']);
    await page.goto(`${env.base}/ui/#/models/cars/versions/1`);
    await page.locator('[data-chart="history-metrics"][data-points="5"] canvas').first().waitFor();
    const residuals = page.getByRole('list', { name: 'Residuals (count per bin)' }).locator('.bar-value');
    const counts = (await residuals.allTextContents()).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(evaluation.residuals.points.length);
    const scatter = page.locator('[data-chart="predicted-vs-actual"]');
    expect(await scatter.getAttribute('data-points')).toBe(String(evaluation.residuals.points.length));
    expect(await scatter.locator('canvas').count()).toBeGreaterThan(0);
  });

  it('pages through 10,000 versions 50 at a time, rendering one page only', async () => {
    await page.goto(`${env.base}/ui/#/models/many`);
    const table = page.getByRole('table', { name: 'Versions of many' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(50);
    const firstVersion = () => table.locator('tbody tr').first().locator('td').nth(1).textContent();
    expect(await firstVersion()).toBe(`v${VERSIONS}`);
    for (let next = 2; next <= 3; next++) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText(`Page ${next}`, { exact: true }).waitFor();
      expect(await firstVersion()).toBe(`v${VERSIONS - 50 * (next - 1)}`);
    }
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    expect(await firstVersion()).toBe(`v${VERSIONS - 50}`);
    // The whole page holds one page of versions, not ten thousand rows.
    expect(await page.locator('tr').count()).toBeLessThan(60);
    // Still answering: two versions chosen make a comparison.
    await page.getByLabel(`Select version ${VERSIONS - 50} for comparison`).check();
    await page.getByLabel(`Select version ${VERSIONS - 51} for comparison`).check();
    await page.getByRole('link', { name: 'Compare selected' }).click();
    await page.getByRole('table', { name: `Versions ${VERSIONS - 51}, ${VERSIONS - 50} side by side` }).waitFor();
  });

  it('labels every control, on every page, for assistive technology', async () => {
    const pages = [
      '#/datasets',
      `#/datasets/${env.datasetId}`,
      '#/jobs',
      '#/models',
      '#/models/many',
      '#/models/digits/versions/1',
      '#/playground?model=digits&version=1',
      '#/playground?model=topics&version=1',
    ];
    for (const hash of pages) {
      await page.goto(`${env.base}/ui/${hash}`);
      await page.locator('main h1').waitFor();
      await page.locator('main .loading').waitFor({ state: 'detached' });
      expect(await unlabelledControls(page), hash).toEqual([]);
    }
    // The check itself finds a control without a label.
    await page.evaluate(`document.querySelector('main').append(document.createElement('select'))`);
    expect(await unlabelledControls(page)).toEqual(['<select></select>']);
  });

  it('works from the keyboard: skip link, navigation in reading order, a column opened with Enter', async () => {
    await page.goto(`${env.base}/ui/#/datasets/${env.datasetId}`);
    await page.getByRole('table', { name: 'Columns' }).waitFor();
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await skip.focus();
    expect(await focusOrder(page, 6)).toEqual([
      'a:Skip to content',
      'a:Datasets',
      'a:Training jobs',
      'a:Models',
      'a:Playground',
      'button:Sign out',
    ]);
    // Past the navigation, the page's own controls: the filter, then the first column's button.
    await page.keyboard.press('Tab');
    expect(await focusOrder(page, 2)).toEqual(['input:Filter columns', 'button:sepal_length']);
    // The skip link moves focus to the content and stays on the page (the address is the router's).
    await skip.focus();
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^main:/);
    expect(page.url()).toBe(`${env.base}/ui/#/datasets/${env.datasetId}`);
    await page.getByRole('button', { name: 'sepal_length' }).focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { name: 'Column sepal_length' });
    await heading.waitFor();
    expect(await focused(page)).toBe('h2:Column sepal_length');
    // A numeric column's histogram, built at ingest: Iris's 150 rows in its bins.
    const bins = page.getByRole('list', { name: 'Histogram (count per bin)' }).locator('.bar-value');
    const counts = (await bins.allTextContents()).map(Number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(150);
  });
});
