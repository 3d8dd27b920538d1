import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../packages/client/scripts/build.mjs';
import { startLiveService, type LiveService } from '../support/live-service.ts';
import { maasBin, type Run } from '../support/run-maas.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The fenced blocks of `lang` in the README section whose heading starts with `heading`. */
function blocks(readme: string, heading: string, lang: string): string[] {
  const start = readme.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

/** Runs a program asynchronously (the service answering it runs in this process). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 380_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let service: LiveService;
let home: string;
let readme: string;

beforeAll(async () => {
  // The walk-through needs curl and jq; say so plainly when the machine lacks them.
  for (const tool of ['curl', 'jq', 'bash'])
    await promisify(execFile)('which', [tool]).catch(() => {
      throw new Error(`the README walk-through needs ${tool} on PATH`);
    });
  readme = await readFile(path.join(root, 'README.md'), 'utf8');
  await buildClient({ declarations: false });
  service = await startLiveService();
  home = await mkdtemp(path.join(os.tmpdir(), 'maas-readme-'));
});
afterAll(async () => {
  await service?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("the README's walk-throughs, pasted in order against a live service", () => {
  it('runs the curl and the maas command blocks as a new user would', async () => {
    const script = [...blocks(readme, 'Walk-through with curl', 'sh'), ...blocks(readme, 'The `maas` command', 'sh')]
      .join('\n')
      // `npx maas` would run node_modules/@maas/client, which may be another checkout's: this one's, by path.
      .replaceAll('npx maas ', `node ${maasBin} `);
    const result = await run('bash', ['-euo', 'pipefail', '-c', script], {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      MAAS_URL: service.url,
      MAAS_ADMIN_TOKEN: service.env.adminToken,
    });
    expect(result.stderr).not.toMatch(/maas: /);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    // curl: waited for the job, then promoted and predicted.
    expect(result.stdout).toMatch(/job [0-9a-f-]+: succeeded/);
    expect(result.stdout).toMatch(/"status": "succeeded"/);
    expect(result.stdout).toMatch(/"alias":"production","version":1/);
    expect(result.stdout).toMatch(/\{"predictions":\[\{"label":"(Adelie|Chinstrap|Gentoo)","probabilities"/);
    // maas: trained version 2, promoted it, and predicted CSV rows.
    expect(result.stdout).toMatch(/model penguins version 2/);
    expect(result.stdout).toMatch(/penguins: production -> version 2 \(was 1\)/);
    expect(result.stdout).toMatch(/^island,beak_length_mm,.*,predicted_label,/m);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .slice(-3)
        .every((line) => /,(Adelie|Chinstrap|Gentoo),/.test(line)),
    ).toBe(true);
    // Two trainings of the walk-through's 40 epochs and `npm run build`, on a busy machine.
  }, 400_000);

  it('runs the SDK block as an ES module', async () => {
    const [code] = blocks(readme, 'The TypeScript SDK', 'js');
    expect(code).toBeDefined();
    const file = path.join(home, 'walk-through.mjs');
    const dist = pathToFileURL(path.join(root, 'packages/client/dist/index.js')).href;
    await writeFile(file, code!.replaceAll("from '@maas/client'", `from '${dist}'`));
    const result = await run(process.execPath, [file], {
      PATH: process.env.PATH,
      HOME: home,
      MAAS_URL: service.url,
      MAAS_API_KEY: service.tenant.key,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^epoch 1: loss \d/m);
    expect(result.stdout).toMatch(/\[\{"label":"(Adelie|Chinstrap|Gentoo)","probabilities":\{/);
  });
});
