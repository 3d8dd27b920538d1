import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueMonitors } from '../../src/monitoring/version-monitoring.ts';
import { loadTabularFixture } from '../fixtures/tabular/load-tabular-fixture.ts';
import { penguinsModel, setupServing, type ServingSetup } from './serving-setup.ts';

/**
 * Models in production, end to end on real data (penguins): a seeded 90/10 canary with a
 * shadow, sticky routing keys, prediction logging with ground truth, live per-version traffic,
 * a dataset made from logged traffic, and drift monitoring against a known shift.
 */
const FEATURES = ['island', 'beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];
const CANARY_REQUESTS = 2_000;
const STICKY_KEYS = 100;

let setup: ServingSetup;
const { rows } = loadTabularFixture('penguins');
// Instances as a client sends them: the features of every complete row, in the fixture's order.
const complete = rows.filter((row) => FEATURES.every((name) => row[name] !== null));
const instanceOf = (i: number, shift: (row: Record<string, unknown>) => void = () => undefined) => {
  const row = complete[i % complete.length]!;
  const instance: Record<string, unknown> = Object.fromEntries(FEATURES.map((name) => [name, row[name]]));
  shift(instance);
  return instance;
};

beforeAll(async () => {
  const spec = { ...penguinsModel(FEATURES, 5), versions: 3 };
  setup = await setupServing(
    [spec, { ...penguinsModel(['island', 'beak_length_mm'], 3) }],
    // Seeded split; a shadow queue that never drops, so "every request" can be checked exactly.
    { TRAFFIC_SPLIT_SEED: '17', SHADOW_QUEUE_MAX: '100000' },
  );
}, 300_000);
afterAll(async () => setup?.close());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  setup.env.app.inject({ method, url, headers: { ...setup.tenant.auth, ...headers }, payload: payload as object });

/** Sends requests `count` at a time concurrently; answers in order. */
async function sendAll<T>(total: number, send: (i: number) => Promise<T>, count = 100): Promise<T[]> {
  const answers: T[] = [];
  for (let start = 0; start < total; start += count) {
    const chunk = Array.from({ length: Math.min(count, total - start) }, (_, k) => send(start + k));
    answers.push(...(await Promise.all(chunk)));
  }
  return answers;
}

/** Every shadow request run and every recorded request written. */
async function settle() {
  await setup.env.deps.predictions.shadows.idle();
  await setup.env.deps.predictions.traffic.flush();
}

const predictionIds: { id: string; species: string; version: number }[] = [];
let answered = 0;

describe('traffic splitting with a canary and a shadow', () => {
  it('refuses versions of another input schema behind one alias, changing nothing', async () => {
    const refused = await call('PUT', '/v1/models/penguins/aliases/production', {
      versions: [
        { version: 1, weight: 90 },
        { version: 4, weight: 10 },
      ],
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('alias_versions_incompatible');
    const shadowRefused = await call('PUT', '/v1/models/penguins/aliases/production', { version: 1, shadow: 4 });
    expect(shadowRefused.json().code).toBe('alias_versions_incompatible');
    const duplicate = await call('PUT', '/v1/models/penguins/aliases/production', {
      versions: [
        { version: 1, weight: 1 },
        { version: 1, weight: 2 },
      ],
    });
    expect(duplicate.statusCode).toBe(400);
    expect((await call('GET', '/v1/models/penguins/aliases/production')).statusCode).toBe(404);
  });

  it('moves the alias atomically to a 90/10 split with a shadow, recorded in its history', async () => {
    expect((await call('PUT', '/v1/models/penguins/logging', { sampleRate: 1 })).statusCode).toBe(200);
    expect((await call('PUT', '/v1/models/penguins/aliases/production', { version: 1 })).statusCode).toBe(200);
    const moved = await call('PUT', '/v1/models/penguins/aliases/production', {
      versions: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
      shadow: 3,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toEqual({
      alias: 'production',
      version: 1,
      previousVersion: 1,
      split: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
      shadow: 3,
    });
    const history = (await call('GET', '/v1/models/penguins/aliases/production/history')).json().items;
    expect(history[0]).toMatchObject({
      fromVersion: 1,
      toVersion: 1,
      fromRouting: null,
      toRouting: { split: moved.json().split, shadow: 3 },
    });
  });

  it('serves about 10% of unkeyed requests with the canary, says which version answered, never the shadow', async () => {
    const answers = await sendAll(CANARY_REQUESTS, (i) =>
      call('POST', '/v1/models/penguins/labels/production:predict', { instances: [instanceOf(i)] }),
    );
    const versions = answers.map((response) => {
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.predictionIds).toHaveLength(1);
      if (predictionIds.length < 200)
        predictionIds.push({
          id: body.predictionIds[0],
          species: String(complete[answers.indexOf(response) % complete.length]!.species),
          version: body.model.version,
        });
      return body.model.version as number;
    });
    answered += CANARY_REQUESTS;
    expect(new Set(versions)).toEqual(new Set([1, 2]));
    const share = versions.filter((v) => v === 2).length / CANARY_REQUESTS;
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.12);
  }, 120_000);

  it('keeps each routing key on one version, on the TF Serving and the V2 paths alike', async () => {
    const byKey = new Map<string, Set<number>>();
    const answers = await sendAll(STICKY_KEYS * 3, async (i) => {
      const key = `customer-${i % STICKY_KEYS}`;
      const response = await call(
        'POST',
        '/v1/models/penguins/labels/production:predict',
        { instances: [instanceOf(i)] },
        { 'x-maas-routing-key': key },
      );
      return { key, version: response.json().model.version as number };
    });
    for (const { key, version } of answers) byKey.set(key, (byKey.get(key) ?? new Set()).add(version));
    expect([...byKey.values()].every((versions) => versions.size === 1)).toBe(true);
    const stickyVersions = new Set([...byKey.values()].map((versions) => [...versions][0]));
    expect(stickyVersions).toEqual(new Set([1, 2]));
    // The V2 default path serves the production alias: the same key lands on the same version.
    for (const key of ['customer-1', 'customer-2', 'customer-3', 'customer-4', 'customer-5']) {
      const row = instanceOf(0);
      const v2 = await call(
        'POST',
        '/v2/models/penguins/infer',
        {
          inputs: FEATURES.map((name) => ({
            name,
            shape: [1, 1],
            datatype: typeof row[name] === 'number' ? 'FP32' : 'BYTES',
            data: [row[name]],
          })),
        },
        { 'x-maas-routing-key': key },
      );
      expect(v2.statusCode, v2.body).toBe(200);
      expect(Number(v2.json().model_version)).toBe([...byKey.get(key)!][0]);
      expect(v2.json().parameters.prediction_ids).toMatch(/^[0-9a-f-]{36}\.\d+$/);
    }
    answered += STICKY_KEYS * 3 + 5;
  }, 120_000);

  it('copies every request to the shadow, whose answers are recorded and never returned', async () => {
    await settle();
    expect(setup.env.deps.predictions.shadows.dropped).toBe(0);
    const traffic = await call('GET', '/v1/models/penguins/traffic?windowMinutes=60');
    expect(traffic.statusCode, traffic.body).toBe(200);
    const versions = traffic.json().versions as {
      version: number;
      shadow: boolean;
      requests: number;
      errors: number;
      latencyMs: { p50: number };
      predictions: { labels: Record<string, number> };
    }[];
    const served = versions.filter((v) => !v.shadow);
    expect(served.map((v) => v.version)).toEqual([1, 2]);
    expect(served.reduce((sum, v) => sum + v.requests, 0)).toBe(answered);
    const shadow = versions.filter((v) => v.shadow);
    expect(shadow).toHaveLength(1);
    expect(shadow[0]).toMatchObject({ version: 3, requests: answered, errors: 0 });
    expect(Object.values(shadow[0]!.predictions.labels).reduce((a, b) => a + b, 0)).toBe(answered);
    for (const v of versions) expect(v.latencyMs.p50).toBeGreaterThan(0);
  });
});

describe('ground truth and retraining data', () => {
  it('joins posted labels to logged predictions for live accuracy', async () => {
    // Ids name a logged batch and a position in it.
    for (const p of predictionIds) expect(p.id).toMatch(/^[0-9a-f-]{36}\.\d+$/);
    const batch = predictionIds[0]!.id.split('.')[0]!;
    const strangers = ['no-such-prediction', `${batch}.99999999`, `${batch}.-1`, `${batch}.1.2`, `${randomUUID()}.0`];
    const first = await call('POST', '/v1/models/penguins/feedback', {
      items: [{ predictionId: predictionIds[0]!.id, label: 'not the species' }],
    });
    expect(first.json()).toMatchObject({ recorded: 1, unknown: [] });
    const feedback = await call('POST', '/v1/models/penguins/feedback', {
      items: [
        ...predictionIds.map((p) => ({ predictionId: p.id, label: p.species })),
        ...strangers.map((predictionId) => ({ predictionId, label: 'Adelie' })),
      ],
    });
    expect(feedback.statusCode, feedback.body).toBe(200);
    expect(feedback.json()).toEqual({
      model: 'penguins',
      recorded: predictionIds.length,
      unknown: strangers,
    });
    const versions = (await call('GET', '/v1/models/penguins/traffic')).json().versions as {
      version: number;
      shadow: boolean;
      live: { labeled: number; accuracy: number };
    }[];
    for (const served of [1, 2]) {
      const expected = predictionIds.filter((p) => p.version === served).length;
      const live = versions.find((v) => v.version === served && !v.shadow)!.live;
      expect(live.labeled).toBe(expected);
      if (expected) expect(live.accuracy).toBeGreaterThan(0.5);
    }
  });

  it('turns labelled logged traffic into a dataset', async () => {
    const made = await call('POST', '/v1/models/penguins/prediction-logs/dataset', { name: 'penguins-feedback' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().rowCount).toBe(predictionIds.length);
    expect(
      made
        .json()
        .columns.map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual([...FEATURES, 'species'].sort());
  });
});

describe('drift monitoring', () => {
  it('alerts on a shifted feature and on none of the others', async () => {
    const enabled = await call('PUT', '/v1/models/penguins/versions/2/monitoring', {
      windowMinutes: 60,
      minSamples: 100,
    });
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(enabled.json().features.sort()).toEqual([...FEATURES].sort());
    // The canary's share of real traffic looks like its training data: nothing alerts.
    const calm = (await call('POST', '/v1/models/penguins/versions/2/monitoring/run')).json();
    expect(calm.judged).toBe(true);
    expect(calm.samples).toBeGreaterThanOrEqual(100);
    expect(calm.alerts).toEqual([]);
    // The same real rows with beak depth scaled by 1.3 (a known shift of one feature).
    await sendAll(400, (i) =>
      call('POST', '/v1/models/penguins/versions/2:predict', {
        instances: [instanceOf(i * 7, (row) => (row.beak_depth_mm = (row.beak_depth_mm as number) * 1.3))],
      }),
    );
    await settle();
    const run = await call('POST', '/v1/models/penguins/versions/2/monitoring/run');
    expect(run.statusCode, run.body).toBe(200);
    const report = run.json();
    const alerted = new Set(
      report.alerts
        .filter((a: { feature: string }) => a.feature !== 'prediction')
        .map((a: { feature: string }) => a.feature),
    );
    expect([...alerted]).toEqual(['beak_depth_mm']);
    const depth = report.features.find((f: { feature: string }) => f.feature === 'beak_depth_mm');
    expect(depth.psi).toBeGreaterThan(0.2);
    expect(depth.ks).toBeGreaterThan(0.3);
    const listed = (await call('GET', '/v1/models/penguins/alerts?version=2')).json().items;
    expect(listed.map((a: { id: string }) => a.id).sort()).toEqual(
      report.alerts.map((a: { id: string }) => a.id).sort(),
    );
    // The worker's maintenance round runs a monitor once its window has passed, and only once.
    const { db, store } = setup.env.deps;
    const nextWindow = new Date(Date.now() + 61 * 60_000);
    expect(await runDueMonitors(db, store, new Date())).toBe(0);
    expect(await runDueMonitors(db, store, nextWindow)).toBe(1);
    expect(await runDueMonitors(db, store, nextWindow)).toBe(0);
  }, 120_000);

  it('refuses monitoring a model that logs nothing', async () => {
    expect((await call('PUT', '/v1/models/penguins/logging', { sampleRate: 0 })).statusCode).toBe(200);
    const refused = await call('PUT', '/v1/models/penguins/versions/1/monitoring', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('prediction_logging_off');
  });
});
