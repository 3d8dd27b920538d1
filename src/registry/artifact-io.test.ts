import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../ml/backend.ts';
import { LocalArtifactStore } from '../storage/local-artifact-store.ts';
import { trainTabular } from '../training/pipelines/tabular.ts';
import { loadTabularFixture } from '../../test/fixtures/tabular/load-tabular-fixture.ts';
import { ArtifactIntegrityError, loadModelArtifact, saveModelArtifact } from './artifact-io.ts';

let root: string;
let store: LocalArtifactStore;

beforeAll(async () => {
  await selectBackend('auto');
  root = await mkdtemp(path.join(tmpdir(), 'artifact-io-'));
  store = new LocalArtifactStore(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('model artifacts in the artifact store', () => {
  it('round-trips an MLP with identical predictions and detects any changed byte', async () => {
    const { rows, columns } = loadTabularFixture('penguins');
    const trained = await trainTabular({
      rows,
      columns,
      target: 'species',
      model: { type: 'mlp', epochs: 3, hiddenLayers: [{ units: 8, dropout: 0.1 }], seed: 2 },
    });
    const saved = await saveModelArtifact(store, trained.model, 'models/p1/penguins/1', { task: 'classification' });
    expect(saved.artifactKey).toBe('models/p1/penguins/1');
    expect(saved.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.list('models/p1/penguins/1')).toEqual([
      'models/p1/penguins/1/model.json',
      'models/p1/penguins/1/weights.bin',
    ]);

    const loaded = await loadModelArtifact(store, saved.artifactKey, saved.sha256);
    const x = tf.randomNormal([20, trained.preprocessing.width], 0, 1, 'float32', 9);
    const before = tf.tidy(() => (trained.model.predict(x) as tf.Tensor).arraySync());
    const after = tf.tidy(() => (loaded.predict(x) as tf.Tensor).arraySync());
    expect(after).toEqual(before);
    x.dispose();

    await expect(loadModelArtifact(store, saved.artifactKey, '0'.repeat(64))).rejects.toBeInstanceOf(
      ArtifactIntegrityError,
    );
    // Flip one weight byte: the manifest digest still matches, the weights no longer do.
    const weightsPath = path.join(root, saved.artifactKey, 'weights.bin');
    const weights = await store.read(`${saved.artifactKey}/weights.bin`);
    weights[0] = (weights[0] as number) ^ 0xff;
    await writeFile(weightsPath, weights);
    await expect(loadModelArtifact(store, saved.artifactKey, saved.sha256)).rejects.toMatchObject({
      code: 'artifact_integrity_failed',
    });
  });
});
