import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../packages/client/scripts/build.mjs';
import { startLiveService, type LiveService } from '../support/live-service.ts';
import { runMaas } from '../support/run-maas.ts';

const PENGUINS = fileURLToPath(new URL('../../examples/penguins.csv', import.meta.url));

let service: LiveService;
let home: string;
/** A user's environment: a config directory of its own, no MAAS_* variables. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await buildClient({ declarations: false });
  service = await startLiveService();
  home = await mkdtemp(path.join(os.tmpdir(), 'maas-cli-'));
  env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
});
afterAll(async () => {
  await service?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the maas command against the real service', () => {
  let datasetId: string;

  it('refuses to work without credentials (exit 3), and `login` saves them readable by the user alone', async () => {
    const before = await runMaas(['models', 'ls'], env);
    expect(before.code).toBe(3);
    expect(before.stderr).toMatch(/maas login/);

    const login = await runMaas(['login', '--url', service.url], env, `${service.tenant.key}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    const file = path.join(home, '.config', 'maas', 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: service.url, apiKey: service.tenant.key });

    const wrongKey = await runMaas(['login', '--url', service.url, '--api-key', 'maas_wrong'], env);
    expect(wrongKey.code).toBe(3);
    // MAAS_API_KEY overrides the saved key.
    const overridden = await runMaas(['models', 'ls'], { ...env, MAAS_API_KEY: 'maas_wrong' });
    expect(overridden.code).toBe(3);
  });

  it('uploads a dataset and trains on it, with progress on stderr and the metrics as a table', async () => {
    const upload = await runMaas(['datasets', 'upload', PENGUINS, '--json'], env);
    expect(upload.code).toBe(0);
    const dataset = JSON.parse(upload.stdout);
    expect(dataset).toMatchObject({ name: 'penguins', rowCount: 344 });
    datasetId = dataset.id;

    const train = await runMaas(
      [
        'train',
        '--dataset',
        datasetId,
        '--target',
        'species',
        '--model-name',
        'penguins',
        '--model',
        '{"type":"mlp","epochs":5,"hiddenLayers":[{"units":8}],"seed":3}',
      ],
      env,
    );
    expect(train.stderr).toMatch(/job [0-9a-f-]+ queued/);
    // Not a terminal: one progress line per epoch (a terminal gets one bar redrawn in place).
    expect(train.stderr).toMatch(/\[#+-*\] 5\/5 epoch 5 loss \d/);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/: succeeded\n/);
    expect(train.stdout).toMatch(/model penguins version 1/);
    expect(train.stdout).toMatch(/^accuracy\s+(0\.\d+|1)$/m);
  });

  it('lists models, shows and promotes a version', async () => {
    const models = await runMaas(['models', 'ls', '--json'], env);
    expect(models.code).toBe(0);
    expect(JSON.parse(models.stdout)).toEqual([expect.objectContaining({ name: 'penguins', latestVersion: 1 })]);

    const show = await runMaas(['versions', 'show', 'penguins', '1'], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^penguins\s+1\s+mlp\s+classification/m);
    expect(show.stdout).toMatch(/^accuracy\s/m);

    const promote = await runMaas(['promote', 'penguins', '1', '--json'], env);
    expect(promote.code).toBe(0);
    expect(JSON.parse(promote.stdout)).toMatchObject({ alias: 'production', version: 1 });
    const versions = await runMaas(['versions', 'ls', 'penguins', '--json'], env);
    expect(JSON.parse(versions.stdout)[0].aliases).toEqual(['production']);
  });

  it('predicts from CSV to CSV and from JSON on stdin to JSON', async () => {
    const input = path.join(home, 'rows.csv');
    const rows = (await readFile(PENGUINS, 'utf8')).split('\n').slice(0, 4).join('\n');
    // Three rows of the dataset without their target.
    const header = 'island,beak_length_mm,beak_depth_mm,flipper_length_mm,body_mass_g,sex';
    const csvRows = [
      header,
      ...rows
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').slice(1).join(',')),
    ];
    await writeFile(input, `${csvRows.join('\n')}\n`);

    const csv = await runMaas(
      ['predict', 'penguins', '--alias', 'production', '--input', input, '--output', 'csv'],
      env,
    );
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const [outHeader, ...outRows] = csv.stdout.trim().split('\n');
    expect(outHeader).toMatch(/^island,beak_length_mm,.*,sex,predicted_label,probabilities\.Adelie,/);
    expect(outRows).toHaveLength(3);

    const instance = {
      island: 'Biscoe',
      beak_length_mm: 47.5,
      beak_depth_mm: 14.2,
      flipper_length_mm: 209,
      body_mass_g: 4600,
      sex: 'FEMALE',
    };
    const json = await runMaas(
      ['predict', 'penguins', '--version', '1'],
      env,
      JSON.stringify({ instances: [instance] }),
    );
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.model).toEqual({ name: 'penguins', version: 1 });
    expect(answer.predictions[0].label).toMatch(/^(Adelie|Chinstrap|Gentoo)$/);
  });

  it('scores a whole file with `maas batch`, passthrough columns beside each prediction', async () => {
    const input = path.join(home, 'batch.csv');
    const lines = (await readFile(PENGUINS, 'utf8')).trim().split('\n');
    const header = `row_id,${lines[0]}`;
    await writeFile(input, [header, ...lines.slice(1, 9).map((line, i) => `r${i},${line}`)].join('\n') + '\n');
    const output = path.join(home, 'scored.csv');
    const batch = await runMaas(
      ['batch', 'penguins', '--alias', 'production', '--input', input, '--passthrough', 'row_id', '--output', output],
      env,
    );
    expect(batch.code, batch.stderr).toBe(0);
    const [outHeader, ...scored] = (await readFile(output, 'utf8')).trim().split('\n');
    expect(outHeader).toMatch(/^row_id,prediction,probability_Adelie,/);
    expect(scored.map((row) => row.split(',')[0])).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    for (const row of scored) expect(row.split(',')[1]).toMatch(/^(Adelie|Chinstrap|Gentoo)$/);
  });

  it('searches hyperparameters with `maas tune` and prints the trials and the best version', async () => {
    const tune = await runMaas(
      [
        'tune',
        '--dataset',
        datasetId,
        '--target',
        'species',
        '--model-name',
        'penguins-tuned',
        '--model',
        '{"type":"logistic","epochs":3}',
        '--space',
        '{"learningRate":{"type":"float","min":0.001,"max":0.5,"scale":"log"}}',
        '--max-trials',
        '2',
        '--parallel',
        '1',
        '--seed',
        '4',
      ],
      env,
    );
    expect(tune.code, tune.stderr).toBe(0);
    expect(tune.stdout).toMatch(/^tuning job [0-9a-f-]+: succeeded$/m);
    expect(tune.stdout.match(/^[01]\s+(completed|stopped)\s/gm)).toHaveLength(2);
    expect(tune.stdout).toMatch(/best: trial [01], model penguins-tuned version 1/);
  });

  it('exits with a status that says what went wrong', async () => {
    expect((await runMaas(['versions', 'show', 'penguins', '99'], env)).code).toBe(4);
    const refused = await runMaas(['predict', 'penguins', '--version', '1', '--json'], env, '[{"wingspan": 3}]');
    expect(refused.code).toBe(5);
    expect(JSON.parse(refused.stderr).code).toMatch(/^[a-z_]+$/);
    const unknownDataset = await runMaas(['train', '--dataset', randomUUID(), '--target', 'species'], env);
    expect(unknownDataset.code).toBe(5);
    expect((await runMaas(['train', '--target', 'species'], env)).code).toBe(2);
    expect((await runMaas(['frobnicate'], env)).code).toBe(2);
    const unreachable = await runMaas(['models', 'ls'], { ...env, MAAS_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(6);
  });
});
