import { existsSync } from 'node:fs';
import type { Worker } from 'bullmq';
import type { Browser, Page } from 'playwright-core';
import { buildService } from '../../scripts/build.mjs';
import { startWorker, uploadCsv } from './training.ts';
import { createTenantEnv, type TenantEnv } from './test-env.ts';

/** Debian's chromium (CHROMIUM_PATH overrides); undefined where none is installed. */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (candidate): candidate is string => !!candidate && existsSync(candidate),
  );
}

export interface ConsoleEnv extends TenantEnv {
  /** The API's address, serving the console at `${base}/ui/`. */
  base: string;
  browser: Browser;
  datasetId: string;
  /** Starts the training worker (not started at first, so a page can watch a job from queued on). */
  startWorker(): Worker;
}

/**
 * The real service for the console: the console built into dist/ui (`npm run build`'s code),
 * the API listening on a port of its own over a fresh database, one tenant with Iris uploaded,
 * and a headless chromium.
 */
export async function createConsoleEnv(executablePath: string): Promise<ConsoleEnv> {
  await buildService();
  const tenantEnv = await createTenantEnv();
  let worker: Worker | undefined;
  let browser: Browser | undefined;
  try {
    const base = await tenantEnv.env.app.listen({ host: '127.0.0.1', port: 0 });
    const { id: datasetId } = await uploadCsv(tenantEnv.env, tenantEnv.tenant, 'tabular/iris.csv', 'iris');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    const opened = browser;
    return {
      ...tenantEnv,
      base,
      browser: opened,
      datasetId,
      startWorker: () => (worker ??= startWorker(tenantEnv.env)),
      async close() {
        await opened.close().catch(() => undefined);
        await worker?.close();
        await tenantEnv.close();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await tenantEnv.close();
    throw error;
  }
}

/** Opens the console and signs in with the tenant's key, as a person would. */
export async function signIn(page: Page, env: ConsoleEnv): Promise<void> {
  await page.goto(`${env.base}/ui/`);
  await page.getByLabel('API key').fill(env.tenant.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** Submits a small, seeded Iris training job through the API. */
export async function submitIrisJob(env: ConsoleEnv, epochs: number): Promise<string> {
  const response = await env.env.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: env.tenant.auth,
    payload: {
      datasetId: env.datasetId,
      target: 'species',
      modelName: 'iris',
      model: { type: 'logistic', epochs, learningRate: 0.05, seed: 7 },
    },
  });
  if (response.statusCode !== 202) throw new Error(`job submission failed: ${response.body}`);
  return response.json().id as string;
}

/**
 * Controls on the page with no accessible name (by hand, as axe's `label`, `button-name`,
 * `link-name` and `image-alt` rules check): each as a short description; empty when all are named.
 * The checks run in the page, written as text: this file is compiled without the DOM's types.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea, button, a[href], img')]
    .filter((element) => {
      if (element.closest('[hidden]') || element.type === 'hidden') return false;
      if (element.tagName === 'IMG') return !(element.getAttribute('alt') || '').trim();
      const byIds = (element.getAttribute('aria-labelledby') || '')
        .split(/\\s+/)
        .map((id) => (id && document.getElementById(id)?.textContent) || '')
        .join('');
      const labels = [...(element.labels || [])].map((label) => label.textContent).join('');
      const own = ['BUTTON', 'A'].includes(element.tagName) ? element.textContent : '';
      return !((element.getAttribute('aria-label') || '') + byIds + labels + own).trim();
    })
    .map((element) => element.outerHTML.slice(0, 120))`);
}

/** The focused element as `tag:name` (its label, or its text). */
export function focused(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const element = document.activeElement;
    if (!element) return 'none';
    const label = [...(element.labels || [])].map((l) => l.textContent).join('') || element.textContent || '';
    return element.tagName.toLowerCase() + ':' + label.trim();
  })()`);
}

/** The focused element and the next `count - 1` that Tab reaches (see focused). */
export async function focusOrder(page: Page, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await page.keyboard.press('Tab');
    seen.push(await focused(page));
  }
  return seen;
}
