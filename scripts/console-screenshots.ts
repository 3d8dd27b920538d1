/**
 * `npx tsx scripts/console-screenshots.ts`: the console's main pages as PNGs in docs/, for the
 * README. It runs what the browser tests run (test/support/console.ts): the real API over a
 * fresh database with a real worker training a small seeded model on Iris, and Debian's
 * chromium (CHROMIUM_PATH overrides). Needs PostgreSQL and Redis as the tests do.
 */
import { mkdir } from 'node:fs/promises';
import { createConsoleEnv, findChromium, signIn, submitIrisJob } from '../test/support/console.ts';
import { waitForJob } from '../test/support/training.ts';

const executablePath = findChromium();
if (!executablePath) throw new Error('no chromium found: apt-get install chromium, or set CHROMIUM_PATH');
const out = new URL('../docs/', import.meta.url);
await mkdir(out, { recursive: true });

const env = await createConsoleEnv(executablePath);
try {
  env.startWorker();
  const jobId = await submitIrisJob(env, 60);
  await waitForJob(env.env, env.tenant, jobId);
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
    await page.getByRole('button', { name: 'species' }).click();
    await page.getByRole('heading', { name: 'Column species' }).waitFor();
  });
  await shot(`#/jobs/${jobId}`, 'training-job', '[data-chart="loss"][data-points="60"]');
  await shot('#/models/iris', 'model', '.alias[data-alias="production"] li');
  await shot('#/models/iris/versions/1', 'version', 'table[data-chart="confusion-matrix"]');
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
