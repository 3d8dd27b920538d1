/**
 * Image classification: PNG/JPEG images (from a ZIP dataset, or a base64 column of a CSV)
 * brought to one size and scaled to [0, 1] (src/preprocessing/images.ts), split stratified by class,
 * for a CNN or, as a baseline, an MLP over the flattened pixels.
 */
import { buildDeepModel } from '../../models/architectures/index.ts';
import { cnnSchema } from '../../models/architectures/schemas.ts';
import type { DeepInput, DeepTask } from '../../models/architectures/schemas.ts';
import { decodeImage, rgbaToTensor } from '../../preprocessing/images.ts';
import type { ImageSpec, RgbaImage } from '../../preprocessing/images.ts';
import { buildFlatMlp } from '../../models/architectures/forecasters.ts';
import { UnprocessableError } from '../../errors.ts';
import type { tf } from '../../ml/backend.ts';
import type { ModelSpec } from '../../models/model-spec.ts';
import type { Label } from '../../preprocessing/preprocessing-state.ts';
import { inputColumn } from './deep-plan.ts';
import { pickExamples, sortedLabels, splitByClass } from './examples.ts';
import type { DeepRequest, PreparedDeep } from './contract.ts';
import { tidyData } from '../../ml/tensor-data.ts';

/** Default side: the first image's, capped so a photo dataset does not train at full resolution. */
const MAX_DEFAULT_SIDE = 64;

/** Decodes the images, fixes their size, splits and describes the model to build (the plan checked the task). */
export function prepareImages(request: DeepRequest): PreparedDeep {
  const spec = request.model;
  const { feature, items, dropped } = collect(request);
  // Each image is brought to the model's size as soon as it is decoded, so memory holds one
  // full-size image at a time, not a whole dataset of them (each may be MAX_IMAGE_PIXELS).
  const kept: Label[] = [];
  let image: ImageSpec | undefined;
  let size = 0;
  let all = new Float32Array(0);
  let undecodable = 0;
  for (const item of items) {
    let rgba: RgbaImage;
    try {
      rgba = decodeImage(item.bytes, request.maxImagePixels);
    } catch {
      undecodable += 1; // a corrupt or oversized image is left out, as a missing value would be
      continue;
    }
    if (image === undefined) {
      image = imageSpec(spec, rgba);
      size = image.height * image.width * image.channels;
      all = new Float32Array(items.length * size);
    }
    const target = image;
    all.set(
      tidyData(() => rgbaToTensor(rgba, target)),
      kept.length * size,
    );
    kept.push(item.label);
  }
  if (image === undefined) throw new UnprocessableError('no_images', 'No image of the dataset could be decoded.');
  all = all.subarray(0, kept.length * size);
  const shape = [image.height, image.width, image.channels];

  const labels = sortedLabels(kept);
  if (labels.length < 2)
    throw new UnprocessableError('single_class_target', 'Image classification needs at least two classes.', [
      { path: 'target', message: 'one class' },
    ]);
  const { classes, parts } = splitByClass(request.split, labels, kept);
  const input: DeepInput = { kind: 'image', ...image };
  const deepTask: DeepTask = { kind: 'classification', numClasses: labels.length };
  const modelType = spec.type === 'mlp' ? 'mlp' : 'cnn';
  return {
    task: 'classification',
    modelType,
    input,
    deepTask,
    build: (seed) =>
      spec.type === 'mlp'
        ? flatMlp(spec, input, deepTask, seed)
        : buildDeepModel(spec.type === 'cnn' ? spec : cnnSchema.parse({ type: 'cnn' }), input, deepTask, { seed }),
    preprocessing: {
      kind: 'image',
      version: 1,
      feature,
      image,
      target: { task: 'classification', name: request.target, labels },
    },
    inputSchema: { features: [{ name: feature, type: 'categorical' }] },
    outputSchema: { task: 'classification', target: request.target, labels },
    train: pickExamples(all, shape, classes, labels.length, parts.train),
    validation: pickExamples(all, shape, classes, labels.length, parts.validation),
    test: pickExamples(all, shape, classes, labels.length, parts.test),
    excludedColumns: request.columns
      .filter((c) => c.name !== feature && c.name !== request.target)
      .map((c) => ({ name: c.name, reason: 'not_requested', detail: 'image models read only the image column' })),
    total: items.length + dropped,
    dropped: dropped + undecodable,
  };
}

function collect(request: DeepRequest): {
  feature: string;
  items: { bytes: Uint8Array; label: Label }[];
  dropped: number;
} {
  if (request.images)
    return { feature: 'image', items: request.images.map((i) => ({ bytes: i.bytes, label: i.label })), dropped: 0 };
  const column = inputColumn(request.columns, request.target, 'image', request.features);
  const rows = request.rows ?? [];
  const items: { bytes: Uint8Array; label: Label }[] = [];
  for (const row of rows) {
    const value = row[column.name];
    const label = row[request.target];
    if (typeof value === 'string' && value !== '' && label !== null && label !== undefined)
      items.push({ bytes: new Uint8Array(Buffer.from(value, 'base64')), label });
  }
  return { feature: column.name, items, dropped: rows.length - items.length };
}

/** The requested size, else the first image's (capped); grayscale when the first image is. */
function imageSpec(spec: ModelSpec, first: RgbaImage): ImageSpec {
  const requested = 'image' in spec ? spec.image : undefined;
  let gray = true;
  for (let p = 0; p < first.width * first.height && gray; p++)
    gray = first.data[p * 4] === first.data[p * 4 + 1] && first.data[p * 4 + 1] === first.data[p * 4 + 2];
  return {
    height: requested?.height ?? Math.min(first.height, MAX_DEFAULT_SIDE),
    width: requested?.width ?? Math.min(first.width, MAX_DEFAULT_SIDE),
    channels: requested?.channels ?? (gray ? 1 : 3),
  };
}

/** The tabular MLP's layers over flattened pixels: the baseline a CNN should beat. */
function flatMlp(spec: ModelSpec, input: DeepInput, task: DeepTask, seed: number): tf.LayersModel {
  const { height, width, channels } = input as { height: number; width: number; channels: number };
  return buildFlatMlp(spec.type === 'mlp' ? spec.hiddenLayers : [], [height, width, channels], task, seed);
}
