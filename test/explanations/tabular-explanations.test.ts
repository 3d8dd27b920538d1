import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/client.ts';
import { SeededRandom } from '../../src/ml/seeded-random.ts';
import { loadModelArtifact, saveModelArtifact } from '../../src/registry/artifact-io.ts';
import { createTenant, type TestEnv, type TestTenant } from '../support/test-env.ts';
import { createTrainingEnv, postDataset, trainToSuccess, uploadCsv } from '../support/training.ts';

let env: TestEnv;
let tenant: TestTenant;
let close: (() => Promise<void>) | undefined;

/** Shapley completeness holds exactly by construction; what is left is float32 rounding. */
const SHAPLEY_TOLERANCE = 1e-4;
/** Integrated gradients at 64 midpoint steps on these small models. */
const IG_TOLERANCE = 0.02;

const post = (url: string, payload: unknown, auth = tenant.auth) =>
  env.app.inject({ method: 'POST', url, headers: auth, payload: payload as object });
const get = (url: string, auth = tenant.auth) => env.app.inject({ method: 'GET', url, headers: auth });

interface Explanation {
  prediction: { label?: string; value?: number; probabilities?: Record<string, number> };
  explained: { output: string; label?: string; value: number };
  baseline: number;
  attributions: { column: string; attribution: number }[];
}

const total = (e: Explanation) => e.baseline + e.attributions.reduce((sum, a) => sum + a.attribution, 0);

/**
 * A synthetic table where `driver` alone decides the label (positive -> yes), beside noise
 * columns: a number, a category and a boolean that carry nothing about it.
 */
function knownDriverCsv(rows: number): string {
  const random = new SeededRandom(11);
  const lines = ['driver,noise,colour,flag,label'];
  for (let i = 0; i < rows; i++) {
    const driver = random.next() * 2 - 1;
    const colour = ['red', 'green', 'blue'][Math.floor(random.next() * 3)];
    lines.push(
      `${driver.toFixed(3)},${(random.next() * 10).toFixed(2)},${colour},${random.next() < 0.5},${driver > 0 ? 'yes' : 'no'}`,
    );
  }
  return lines.join('\n');
}

const penguin = {
  island: 'Biscoe',
  beak_length_mm: 45.2,
  beak_depth_mm: 14.8,
  flipper_length_mm: 212,
  body_mass_g: 5200,
  sex: null,
};

beforeAll(async () => {
  ({ env, tenant, close } = await createTrainingEnv());
  const driver = await postDataset(env, tenant.auth, 'driver', knownDriverCsv(400), 'text/csv');
  expect(driver.statusCode).toBe(201);
  await trainToSuccess(env, tenant, {
    datasetId: driver.json().id,
    target: 'label',
    modelName: 'driver',
    model: { type: 'mlp', hiddenLayers: [{ units: 16 }], epochs: 15, learningRate: 0.03, seed: 3 },
  });
  const penguins = await uploadCsv(env, tenant, 'tabular/penguins.csv', 'penguins');
  for (const epochs of [12, 6])
    await trainToSuccess(env, tenant, {
      datasetId: penguins.id,
      target: 'species',
      modelName: 'penguins',
      model: { type: 'mlp', hiddenLayers: [{ units: 12 }], epochs, learningRate: 0.02, seed: 5 },
    });
  const cars = await uploadCsv(env, tenant, 'tabular/cars.csv', 'cars');
  await trainToSuccess(env, tenant, {
    datasetId: cars.id,
    target: 'miles_per_gallon',
    features: ['cylinders', 'displacement', 'horsepower', 'weight_in_lbs', 'origin'],
    modelName: 'cars',
    model: { type: 'linear', epochs: 15, learningRate: 0.05, seed: 2 },
  });
}, 240_000);
afterAll(() => close?.());

describe('tabular explanations', () => {
  it('gives the column that alone decides the label the largest attribution, with both methods', async () => {
    for (const method of ['shapley', 'integrated-gradients']) {
      const response = await post('/v1/models/driver/versions/1:explain', {
        instances: [
          { driver: 0.8, noise: 3, colour: 'red', flag: true },
          { driver: -0.7, noise: 9, colour: 'blue', flag: false },
        ],
        explanation: { method },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ model: { name: 'driver', version: 1 }, method, seed: 0 });
      for (const explanation of body.explanations as Explanation[]) {
        expect(explanation.attributions[0]!.column).toBe('driver');
        // The one-hot colour group is folded back to one column: four columns, each once.
        expect(explanation.attributions.map((a) => a.column).sort()).toEqual(['colour', 'driver', 'flag', 'noise']);
        expect(Math.abs(explanation.attributions[0]!.attribution)).toBeGreaterThan(
          5 * Math.abs(explanation.attributions[1]!.attribution),
        );
      }
      const [yes, no] = body.explanations as Explanation[];
      expect(yes!.prediction.label).toBe('yes');
      expect(no!.prediction.label).toBe('no');
    }
  });

  it('holds completeness on real data: baseline + Σ attributions = the explained probability', async () => {
    const predicted = await post('/v1/models/penguins/versions/1:predict', { instances: [penguin] });
    const prediction = predicted.json().predictions[0];
    const shapley = await post('/v1/models/penguins/versions/1:explain', {
      instances: [penguin],
      explanation: { samples: 32, seed: 4 },
    });
    expect(shapley.statusCode).toBe(200);
    const [explanation] = shapley.json().explanations as Explanation[];
    // The prediction is exactly what :predict answers; the explained output is its label's probability.
    expect(explanation!.prediction).toEqual(prediction);
    expect(explanation!.explained).toMatchObject({ output: 'probability', label: prediction.label });
    expect(explanation!.explained.value).toBeCloseTo(prediction.probabilities[prediction.label], 5);
    expect(Math.abs(total(explanation!) - explanation!.explained.value)).toBeLessThan(SHAPLEY_TOLERANCE);
    // The missing `sex` (imputed) and the one-hot `island` are attributed as the columns sent.
    expect(explanation!.attributions.map((a) => a.column).sort()).toEqual([
      'beak_depth_mm',
      'beak_length_mm',
      'body_mass_g',
      'flipper_length_mm',
      'island',
      'sex',
    ]);
    const sorted = explanation!.attributions.map((a) => Math.abs(a.attribution));
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));

    const ig = await post('/v1/models/penguins:explain', {
      instances: [penguin],
      explanation: { method: 'integrated-gradients', steps: 64 },
    });
    expect(ig.statusCode).toBe(200);
    const [gradients] = ig.json().explanations as Explanation[];
    expect(Math.abs(total(gradients!) - gradients!.explained.value)).toBeLessThan(IG_TOLERANCE);
  });

  it('holds completeness for a regression value, on the target scale', async () => {
    const car = { cylinders: 4, displacement: 120, horsepower: 90, weight_in_lbs: 2400, origin: 'Japan' };
    for (const method of ['shapley', 'integrated-gradients']) {
      const response = await post('/v1/models/cars/versions/1:explain', {
        instances: [car],
        explanation: { method },
      });
      expect(response.statusCode).toBe(200);
      const [explanation] = response.json().explanations as Explanation[];
      expect(explanation!.explained.output).toBe('value');
      expect(explanation!.explained.value).toBeCloseTo(explanation!.prediction.value!, 3);
      expect(Math.abs(total(explanation!) - explanation!.explained.value)).toBeLessThan(
        method === 'shapley' ? 1e-3 : IG_TOLERANCE * 10,
      );
    }
  });

  it('answers the same attributions for the same seed, on every path', async () => {
    await env.app.inject({
      method: 'PUT',
      url: '/v1/models/penguins/aliases/staging',
      headers: tenant.auth,
      payload: { version: 1 },
    });
    const body = { instances: [penguin], explanation: { samples: 16, seed: 9 } };
    const first = await post('/v1/models/penguins/versions/1:explain', body);
    const second = await post('/v1/models/penguins/labels/staging:explain', body);
    expect(first.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    const other = await post('/v1/models/penguins/versions/1:explain', {
      ...body,
      explanation: { samples: 16, seed: 10 },
    });
    expect(other.json().explanations[0].attributions).not.toEqual(first.json().explanations[0].attributions);
  });

  it('refuses bad requests with a problem and within the configured bounds', async () => {
    const url = '/v1/models/penguins/versions/1:explain';
    const cases: [unknown, number, string][] = [
      [{ instances: [penguin], explanation: { method: 'smoothgrad' } }, 422, 'explanation_method_unsupported'],
      [{ instances: [penguin], explanation: { samples: 100_000 } }, 400, 'validation_failed'],
      [{ instances: [penguin], explanation: { steps: 100_000 } }, 400, 'validation_failed'],
      [{ instances: [penguin], explanation: { method: 'lime' } }, 400, 'validation_failed'],
      [{ instances: [] }, 400, 'validation_failed'],
      [{ instances: Array.from({ length: 17 }, () => penguin) }, 400, 'validation_failed'],
      [{ instances: [{ ...penguin, beak_length_mm: 'long' }] }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post(url, payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe(code);
    }
    expect((await post('/v1/models/penguins/versions/9:explain', { instances: [penguin] })).statusCode).toBe(404);
    expect((await post('/v1/models/nope:explain', { instances: [penguin] })).statusCode).toBe(404);
    // Another project's model is not there for this tenant.
    const stranger = await createTenant(env);
    expect((await post(url, { instances: [penguin] }, stranger.auth)).statusCode).toBe(404);
  });
});

describe('version evaluation and comparison', () => {
  it('stores curves, the confusion matrix, epochs and permutation importance with a classifier', async () => {
    const response = await get('/v1/models/penguins/versions/1/evaluation');
    expect(response.statusCode).toBe(200);
    const evaluation = response.json();
    expect(evaluation.task).toBe('classification');
    expect(evaluation.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(evaluation.confusionMatrix.labels).toEqual(evaluation.labels);
    const counts = evaluation.confusionMatrix.counts as number[][];
    const version = (await get('/v1/models/penguins/versions/1')).json();
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(version.metrics.rowCounts.test);
    expect(counts.map((row, i) => row[i]).reduce((a, b) => a! + b!, 0)! / version.metrics.rowCounts.test).toBeCloseTo(
      version.metrics.accuracy,
      10,
    );
    expect(evaluation.roc).toHaveLength(3);
    for (const curve of evaluation.roc) {
      expect(curve.points.length).toBeLessThanOrEqual(101);
      expect(curve.points[0]).toEqual([0, 0]);
      expect(curve.points.at(-1)).toEqual([1, 1]);
    }
    expect(evaluation.precisionRecall.map((c: { label: string }) => c.label)).toEqual(evaluation.labels);
    expect(evaluation.calibration[0].bins.length).toBeGreaterThan(0);
    expect(evaluation.history.epochs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(evaluation.history.valLoss).toHaveLength(12);
    expect(evaluation.residuals).toBeNull();
    expect(evaluation.importance).toMatchObject({ method: 'permutation', metric: 'accuracy', repeats: 5 });
    const means = evaluation.importance.columns.map((c: { mean: number }) => c.mean);
    expect(means).toEqual([...means].sort((a: number, b: number) => b - a));
    expect(evaluation.importance.columns.every((c: { std: number }) => c.std >= 0)).toBe(true);
  });

  it('gives the known driver the largest permutation importance', async () => {
    const evaluation = (await get('/v1/models/driver/versions/1/evaluation')).json();
    expect(evaluation.importance.columns[0].column).toBe('driver');
    expect(evaluation.importance.columns[0].mean).toBeGreaterThan(0.3);
  });

  it('stores residuals and predicted-vs-actual points with a regression', async () => {
    const evaluation = (await get('/v1/models/cars/versions/1/evaluation')).json();
    expect(evaluation).toMatchObject({ task: 'regression', labels: null, roc: null, confusionMatrix: null });
    const version = (await get('/v1/models/cars/versions/1')).json();
    expect(evaluation.residuals.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(
      version.metrics.rowCounts.test,
    );
    expect(evaluation.residuals.histogram.edges).toHaveLength(21);
    expect(evaluation.residuals.points.length).toBe(Math.min(500, version.metrics.rowCounts.test));
    expect(evaluation.importance.metric).toBe('rmse');
    expect(evaluation.importance.columns.map((c: { column: string }) => c.column).sort()).toEqual([
      'cylinders',
      'displacement',
      'horsepower',
      'origin',
      'weight_in_lbs',
    ]);
  });

  it('lines versions up side by side, in the order asked', async () => {
    const response = await get('/v1/models/penguins/compare?versions=2,1');
    expect(response.statusCode).toBe(200);
    const { versions } = response.json();
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[0].hyperparameters.epochs).toBe(6);
    expect(versions[1].hyperparameters.epochs).toBe(12);
    expect(versions[0].dataset).toEqual(versions[1].dataset);
    expect(versions[0].dataset.name).toBe('penguins');
    expect(versions[0].inputSchemaHash).toBe(versions[1].inputSchemaHash);
    expect(versions[1].aliases).toEqual(['staging']);
  });

  it('answers a version stored without an evaluation (trained before it existed) with nulls, not an error', async () => {
    const model = await env.deps.db.model.findFirstOrThrow({ where: { name: 'cars' } });
    await env.deps.db.modelVersion.update({
      where: { modelId_version: { modelId: model.id, version: 1 } },
      data: { evaluation: Prisma.DbNull },
    });
    const response = await get('/v1/models/cars/versions/1/evaluation');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      task: 'regression',
      labels: null,
      confusionMatrix: null,
      roc: null,
      precisionRecall: null,
      calibration: null,
      history: null,
      residuals: null,
      importance: null,
    });
  });

  it('refuses bad version lists (400) and unknown versions (404)', async () => {
    for (const list of ['', 'a', '1,1', '0', '1,-2', '1.5', Array.from({ length: 11 }, (_, i) => i + 1).join(',')]) {
      const response = await get(`/v1/models/penguins/compare?versions=${encodeURIComponent(list)}`);
      expect(response.statusCode, list).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect((await get('/v1/models/penguins/compare')).statusCode).toBe(400);
    const unknown = await get('/v1/models/penguins/compare?versions=1,7');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain("'7'");
    expect((await get('/v1/models/penguins/versions/7/evaluation')).statusCode).toBe(404);
    const stranger = await createTenant(env);
    expect((await get('/v1/models/penguins/compare?versions=1', stranger.auth)).statusCode).toBe(404);
    expect((await get('/v1/models/penguins/versions/1/evaluation', stranger.auth)).statusCode).toBe(404);
  });
});

describe('versions trained before explanations', () => {
  it('answer Shapley with 409 explanation_unavailable, and integrated gradients still', async () => {
    // The driver version's model saved again without its background, as versions trained before were.
    const row = await env.deps.db.modelVersion.findFirstOrThrow({ where: { model: { name: 'driver' }, version: 1 } });
    const model = await loadModelArtifact(env.deps.store, row.artifactKey, row.artifactSha256);
    const saved = await saveModelArtifact(env.deps.store, model, `${row.artifactKey}-without-background`);
    model.dispose();
    await env.deps.db.modelVersion.update({
      where: { id: row.id },
      data: { artifactKey: saved.artifactKey, artifactSha256: saved.sha256 },
    });
    env.deps.predictions.forgetVersions([row.id]);
    const instance = { driver: 0.8, noise: 3, colour: 'red', flag: true };
    const refused = await post('/v1/models/driver/versions/1:explain', { instances: [instance] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('explanation_unavailable');
    const gradients = await post('/v1/models/driver/versions/1:explain', {
      instances: [instance],
      explanation: { method: 'integrated-gradients' },
    });
    expect(gradients.statusCode).toBe(200);
    expect(gradients.json().explanations[0].attributions[0].column).toBe('driver');
  });
});
