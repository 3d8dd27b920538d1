import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeepModel } from '../../src/models/architectures/index.ts';
import { transformerSchema } from '../../src/models/architectures/schemas.ts';
import { selectBackend, tf } from '../../src/ml/backend.ts';
import { loadModelArtifact, saveModelArtifact } from '../../src/registry/artifact-io.ts';
import { LocalArtifactStore } from '../../src/storage/local-artifact-store.ts';

let dir: string;

beforeAll(async () => {
  await selectBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'maas-attention-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a transformer with the custom attention layers in the artifact store', () => {
  it('saves and loads back to identical predictions', async () => {
    const params = transformerSchema.parse({
      type: 'transformer',
      embedDim: 8,
      numHeads: 2,
      ffDim: 16,
      numBlocks: 2,
      dropout: 0,
    });
    const model = buildDeepModel(
      params,
      { kind: 'tokens', maxLength: 6, vocabSize: 20 },
      { kind: 'classification', numClasses: 3 },
      { seed: 4 },
    );
    const store = new LocalArtifactStore(dir);
    const saved = await saveModelArtifact(store, model, 'models/attention/v1');
    const loaded = await loadModelArtifact(store, saved.artifactKey, saved.sha256);
    expect(loaded.layers.map((l) => l.getClassName())).toContain('MultiHeadSelfAttention');
    expect(loaded.layers.map((l) => l.getClassName())).toContain('PositionalEmbedding');
    const ids = tf.tensor2d([
      [2, 5, 7, 0, 0, 0],
      [9, 3, 3, 11, 4, 1],
    ]);
    const before = (model.predict(ids) as tf.Tensor).arraySync();
    const after = (loaded.predict(ids) as tf.Tensor).arraySync();
    expect(after).toEqual(before);
    // A different input gives a different answer: the comparison is not between constants.
    expect(
      (
        loaded.predict(
          tf.tensor2d([
            [1, 1, 1, 1, 1, 1],
            [19, 18, 17, 16, 15, 14],
          ]),
        ) as tf.Tensor
      ).arraySync(),
    ).not.toEqual(after);
    tf.dispose([ids]);
    model.dispose();
    loaded.dispose();
  });
});
