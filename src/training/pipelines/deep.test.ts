import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive, type LabelledImage } from '../../datasets/image-archive.ts';
import { selectBackend } from '../../ml/backend.ts';
import { imageColumns } from '../../datasets/image-dataset.ts';
import type { ColumnProfile } from '../../datasets/column-profile.ts';
import { trainDeep } from './deep.ts';

let images: LabelledImage[];
let columns: ColumnProfile[];

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  const archive = await readImageArchive(
    readFileSync(new URL('../../../test/fixtures/images/digits.zip', import.meta.url)),
  );
  images = archive.images;
  columns = imageColumns(archive);
});

describe('trainDeep on the 8x8 digits (600 images, 20% held out)', () => {
  it('a CNN beats an MLP over the flattened pixels with the same split, epochs and seed', async () => {
    const common = { epochs: 8, batchSize: 32, learningRate: 0.005, seed: 1 };
    const train = (model: Record<string, unknown>) =>
      trainDeep({ columns, images, target: 'label', model: { ...common, ...model } as never });
    const cnn = await train({
      type: 'cnn',
      convBlocks: [
        { filters: 16, kernelSize: 3, pooling: 'none' },
        { filters: 32, kernelSize: 3 },
      ],
      denseUnits: [64],
      denseDropout: 0.25,
    });
    const mlp = await train({ type: 'mlp', hiddenLayers: [{ units: 64, dropout: 0.25 }] });
    const accuracy = (r: typeof cnn) => (r.metrics as { accuracy: number }).accuracy;
    console.log(
      `digits: cnn ${accuracy(cnn).toFixed(3)} vs mlp ${accuracy(mlp).toFixed(3)} (${cnn.rowCounts.test} test images)`,
    );
    expect(cnn.rowCounts).toMatchObject({ total: 600, test: 120 });
    expect(cnn.preprocessing).toMatchObject({ kind: 'image', image: { height: 8, width: 8, channels: 1 } });
    expect(accuracy(cnn)).toBeGreaterThan(accuracy(mlp));
    expect(accuracy(cnn)).toBeGreaterThan(0.9);
    cnn.model.dispose();
    mlp.model.dispose();
  });
});
