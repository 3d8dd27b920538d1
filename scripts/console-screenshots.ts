/**
 * `npx tsx scripts/console-screenshots.ts`: the console's main pages as PNGs in docs/, for the
 * README. It runs what the browser tests run (test/support/console.ts): the real API over a
 * fresh database with a real worker training a small seeded model on Iris, and Debian's
 * chromium (CHROMIUM_PATH overrides). Needs PostgreSQL and Redis as the tests do.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { readImageArchive } from '../src/datasets/image-archive.ts';
import { createConsoleEnv, findChromium, signIn, submitIrisJob } from '../test/support/console.ts';
import { fixture, postDataset, trainToSuccess, uploadFixture, waitForJob } from '../test/support/training.ts';

const executablePath = findChromium();
if (!executablePath) throw new Error('no chromium found: apt-get install chromium, or set CHROMIUM_PATH');
const out = new URL('../docs/', import.meta.url);
await mkdir(out, { recursive: true });

const env = await createConsoleEnv(executablePath);
try {
  env.startWorker();
  const jobId = await submitIrisJob(env, 60);
  await waitForJob(env.env, env.tenant, jobId);
  const train = (payload: object) => trainToSuccess(env.env, env.tenant, payload);
  const zip = await readFile(fixture('images/digits.zip'));
  const digit = Buffer.from((await readImageArchive(zip)).images[0]!.bytes);
  const digits = (await postDataset(env.env, env.tenant.auth, 'digits', zip, 'application/zip')).json();
  await train({
    datasetId: digits.id,
    target: 'label',
    modelName: 'digits',
    model: { type: 'cnn', epochs: 8, learningRate: 0.01, seed: 1, convBlocks: [{ filters: 8, kernelSize: 3 }] },
  });
  const topics = await uploadFixture(env.env, env.tenant, 'text/topics.ndjson', 'topics');
  await train({
    datasetId: topics.id,
    target: 'topic',
    modelName: 'topics',
    model: {
      type: 'transformer',
      embedDim: 8,
      numHeads: 1,
      ffDim: 16,
      epochs: 20,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      text: { maxTokens: 500, maxLength: 12 },
    },
  });
  const cars = await uploadFixture(env.env, env.tenant, 'tabular/cars.csv', 'cars');
  await train({
    datasetId: cars.id,
    target: 'miles_per_gallon',
    task: 'regression',
    features: ['cylinders', 'displacement', 'horsepower', 'weight_in_lbs'],
    modelName: 'cars',
    model: { type: 'mlp', hiddenLayers: [{ units: 16 }], epochs: 60, learningRate: 0.01, seed: 3 },
  });
  await env.env.app.inject({
    method: 'PUT',
    url: '/v1/models/iris/aliases/production',
    headers: env.tenant.auth,
    payload: { version: 1 },
  });
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const shot = async (hash: string, name: string, ready: string, act?: () => Promise<void>) => {
    await page.goto(`${env.base}/ui/${hash}`);
    await page.locator(ready).first().waitFor();
    await act?.();
    await page.screenshot({ path: new URL(`console-${name}.png`, out).pathname, fullPage: true });
    process.stderr.write(`docs/console-${name}.png\n`);
  };
  await page.goto(`${env.base}/ui/`);
  await page.screenshot({ path: new URL('console-sign-in.png', out).pathname });
  await signIn(page, env);
  await shot(`#/datasets/${env.datasetId}`, 'dataset', 'table', async () => {
    await page.getByRole('button', { name: 'petal_length' }).click();
    await page.getByRole('heading', { name: 'Column petal_length' }).waitFor();
  });
  // Early stopping may end the job before its 60 epochs: the curves are whole once it succeeded.
  await shot(`#/jobs/${jobId}`, 'training-job', '#job-status.succeeded', async () => {
    await page.locator('[data-chart="metrics"] canvas').first().waitFor();
  });
  await shot('#/models/iris', 'model', '.alias[data-alias="production"] li');
  await shot('#/models/iris/versions/1', 'version', '[data-chart="history-metrics"] canvas');
  await shot('#/models/cars/versions/1', 'version-regression', '[data-chart="predicted-vs-actual"] canvas');
  await shot('#/playground?model=digits&version=1', 'playground-image', '#pg-predict', async () => {
    await page
      .getByLabel('Image (PNG or JPEG)')
      .setInputFiles({ name: 'digit.png', mimeType: 'image/png', buffer: digit });
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.locator('#pg-label').waitFor();
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('img', { name: 'Attribution heatmap over the image' }).waitFor();
  });
  await shot('#/playground?model=topics&version=1', 'playground-text', '#pg-predict', async () => {
    await page.getByLabel('Text', { exact: true }).fill('The telescope captured a faint galaxy');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.locator('#pg-label').waitFor();
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('list', { name: 'Attribution per token' }).waitFor();
  });
  await shot('#/playground?model=iris&version=1', 'playground', '#pg-predict', async () => {
    for (const [name, value] of Object.entries({
      sepal_length: 6.7,
      sepal_width: 3,
      petal_length: 5.2,
      petal_width: 2.3,
    }))
      await page.getByLabel(`${name} (number)`).fill(String(value));
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.locator('#pg-label').waitFor();
  });
} finally {
  await env.close();
}
