/**
 * Bring your own model: registers a version from a model trained elsewhere, with its input
 * schema and preprocessing declared, as a TensorFlow.js layers model (`model.json` and its
 * weight shards, as the TensorFlow.js converter writes a Keras model) or an ONNX model (served by
 * ONNX Runtime). The files are checked against each other and the model against the declared
 * schema before anything is stored; the version is then registered like a trained one (same
 * registry, aliases and serving paths), with `imported` lineage: no dataset, no training job.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Prisma } from '../db/client.ts';
import { InvalidModelArtifactError, UnprocessableError, type FieldIssue } from '../errors.ts';
import { tf } from '../ml/backend.ts';
import { openOnnxModel } from '../ml/onnx-model.ts';
import type { Task } from '../models/task.ts';
import { matrixWidth } from '../preprocessing/feature-encoding.ts';
import {
  inputSchemaOf,
  outputSchemaOf,
  preprocessingStateSchema,
  type FeatureEncoder,
  type Label,
  type PreprocessingState,
  type TargetEncoding,
} from '../preprocessing/preprocessing-state.ts';
import { checkNewVersionQuotas, lockProject, storedBytesExceeded } from '../quotas/quota-checks.ts';
import type { QuotaLimits } from '../quotas/quota-limits.ts';
import { storedBytesOf } from '../quotas/project-usage.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { saveModelArtifact, type SavedModelArtifact } from './artifact-io.ts';
import { serialisedTransaction } from './model-registry.ts';
import { ONNX_FILE } from './onnx-artifact.ts';
import { checkModelTask } from './register-version.ts';

export type ImportFormat = 'tfjs-layers' | 'onnx';

/** A feature of a model imported without preprocessing: its value goes to the model as it is. */
export interface RawFeature {
  name: string;
  type: 'number' | 'integer' | 'boolean';
  /** The value a missing feature is imputed with (default 0, or false). */
  impute?: number | boolean;
}

/** What an import declares besides its files (the route's zod schema checks the shape). */
export interface ImportSpec {
  modelName: string;
  format: ImportFormat;
  task: Task;
  /** The predicted column's name, for the output schema (default `target`). */
  target?: string;
  /** Classification without `preprocessing`: the labels in the model's output order. */
  labels?: Label[];
  /** Without `preprocessing`: the features, in the order the model reads them. */
  features?: RawFeature[];
  /** A fitted tabular preprocessing (as `preprocessing.json` of an exported version), applied before the model. */
  preprocessing?: unknown;
}

/** Where imported versions' files live: not under `models/`, which the job sweeper owns. */
export const importPrefix = (projectId: string) => `imports/${projectId}`;

const issue = (path: string, message: string): FieldIssue => ({ path, message });

/** The preprocessing the version serves with: the declared one, or the identity over raw features. */
export function importedPreprocessing(spec: ImportSpec): PreprocessingState {
  if (spec.preprocessing !== undefined) {
    if (spec.features !== undefined || spec.labels !== undefined)
      throw new UnprocessableError(
        'model_signature_mismatch',
        'Declare either `preprocessing` (which holds the features and labels) or `features` and `labels`, not both.',
        [issue('spec.preprocessing', 'given with features or labels')],
      );
    const parsed = preprocessingStateSchema.safeParse(spec.preprocessing);
    if (!parsed.success)
      throw new UnprocessableError(
        'model_signature_mismatch',
        'The declared preprocessing is not a tabular preprocessing state (as preprocessing.json of an exported version).',
        parsed.error.issues.slice(0, 20).map((i) => issue(`spec.preprocessing.${i.path.join('.')}`, i.message)),
      );
    const state = parsed.data;
    if (state.width !== matrixWidth(state.features))
      throw new UnprocessableError(
        'model_signature_mismatch',
        'The preprocessing `width` is not its encoders\u2019 width.',
        [issue('spec.preprocessing.width', `must be ${matrixWidth(state.features)}`)],
      );
    if (state.target.task !== spec.task)
      throw new UnprocessableError(
        'model_signature_mismatch',
        `The preprocessing's target is ${state.target.task}; the spec says ${spec.task}.`,
        [issue('spec.task', `does not match preprocessing.target.task`)],
      );
    return state;
  }
  if (spec.features === undefined || spec.features.length === 0)
    throw new UnprocessableError(
      'model_signature_mismatch',
      'Declare the model\u2019s input: `features` (raw) or `preprocessing`.',
      [issue('spec.features', 'is required without preprocessing')],
    );
  const names = new Set<string>();
  const features = spec.features.map((feature, index): FeatureEncoder => {
    if (names.has(feature.name))
      throw new UnprocessableError('model_signature_mismatch', `Feature '${feature.name}' is declared twice.`, [
        issue(`spec.features.${index}.name`, 'is a duplicate'),
      ]);
    names.add(feature.name);
    if (feature.type === 'boolean')
      return { kind: 'boolean', name: feature.name, mostFrequent: feature.impute === true };
    const impute = typeof feature.impute === 'number' ? feature.impute : 0;
    // The identity transform: (x - 0) / 1; a missing value is imputed with `impute`.
    return { kind: 'numeric', name: feature.name, type: feature.type, median: impute, mean: 0, std: 1 };
  });
  const target = spec.target ?? 'target';
  let encoding: TargetEncoding;
  if (spec.task === 'classification') {
    const labels = spec.labels ?? [];
    if (labels.length < 2 || new Set(labels.map(String)).size !== labels.length)
      throw new UnprocessableError(
        'model_signature_mismatch',
        'A classification model needs at least two distinct `labels`, in output order.',
        [issue('spec.labels', 'needs two or more distinct labels')],
      );
    encoding = { task: 'classification', name: target, labels };
  } else {
    if (spec.labels !== undefined)
      throw new UnprocessableError('model_signature_mismatch', 'A regression model has no labels.', [
        issue('spec.labels', 'is only for classification'),
      ]);
    encoding = { task: 'regression', name: target, standardized: false, mean: 0, std: 1 };
  }
  return { version: 1, features, width: matrixWidth(features), target: encoding };
}

/** Output units a model may have for this target: K probabilities, one sigmoid for two labels, one value. */
function allowedUnits(target: TargetEncoding): number[] {
  if (target.task === 'regression') return [1];
  return target.labels.length === 2 ? [1, 2] : [target.labels.length];
}

function checkShape(what: string, path: string, shape: readonly (number | null)[], expected: number[], width: string) {
  const [, last, ...rest] = shape;
  if (shape.length !== 2 || rest.length > 0 || last === null || last === undefined || !expected.includes(last))
    throw new UnprocessableError(
      'model_signature_mismatch',
      `The model's ${what} has shape [${shape.map((d) => (d === null || d < 0 ? 'N' : d)).join(', ')}]; ` +
        `the declared schema needs [N, ${width}].`,
      [issue(path, `must be [N, ${width}]`)],
    );
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Bytes one weight entry takes in its shard (quantised entries store their quantised dtype). */
function entryBytes(entry: tf.io.WeightsManifestEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined || entry.dtype === 'string')
    throw new InvalidModelArtifactError(`Weight '${entry.name}' has dtype ${dtype}, which imports do not read.`, [
      issue(`model.json.weightsManifest.${entry.name}`, 'unsupported dtype'),
    ]);
  return entry.shape.reduce((product, dim) => product * dim, 1) * size;
}

/**
 * Reads a TensorFlow.js layers model from `model.json` and its shards: every path the manifest
 * names must be uploaded, no file may be left over, and each group's shards must hold exactly
 * the bytes its weights take. TensorFlow.js then builds the model, strictly (every weight used).
 */
export async function readLayersModel(files: Map<string, Buffer>): Promise<tf.LayersModel> {
  const manifestBytes = files.get('model.json');
  if (manifestBytes === undefined)
    throw new InvalidModelArtifactError('A TensorFlow.js import needs a `model.json` file part.', [
      issue('model.json', 'is missing'),
    ]);
  let manifest: { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown };
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as typeof manifest;
  } catch (error) {
    throw new InvalidModelArtifactError(`model.json is not valid JSON: ${(error as Error).message}`, [
      issue('model.json', 'is not JSON'),
    ]);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new InvalidModelArtifactError('model.json must be a JSON object.', [issue('model.json', 'is not an object')]);
  if (manifest.format === 'graph-model')
    throw new InvalidModelArtifactError(
      'model.json is a graph model (a converted SavedModel); imports read layers models (a converted Keras model, ' +
        'or one saved by TensorFlow.js).',
      [issue('model.json.format', 'must be layers-model')],
    );
  const topology = manifest.modelTopology;
  if (topology === null || typeof topology !== 'object' || Array.isArray(topology))
    throw new InvalidModelArtifactError('model.json has no `modelTopology` object.', [
      issue('model.json.modelTopology', 'is missing'),
    ]);
  const groups = manifest.weightsManifest;
  const isGroup = (group: unknown): group is ManifestGroup =>
    group !== null &&
    typeof group === 'object' &&
    Array.isArray((group as ManifestGroup).paths) &&
    (group as ManifestGroup).paths.every((path) => typeof path === 'string') &&
    Array.isArray((group as ManifestGroup).weights) &&
    (group as ManifestGroup).weights.every(
      (w) =>
        w !== null &&
        typeof w === 'object' &&
        typeof w.name === 'string' &&
        Array.isArray(w.shape) &&
        w.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        typeof w.dtype === 'string',
    );
  if (!Array.isArray(groups) || !groups.every(isGroup))
    throw new InvalidModelArtifactError(
      'model.json needs `weightsManifest`: a list of {paths, weights: [{name, shape, dtype}]}.',
      [issue('model.json.weightsManifest', 'is missing or malformed')],
    );
  const used = new Set(['model.json']);
  const chunks: Buffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  groups.forEach((group, index) => {
    const shards = group.paths.map((path) => {
      const name = path.split('/').pop() ?? path;
      const shard = files.get(name);
      if (shard === undefined)
        throw new InvalidModelArtifactError(`model.json names the weight file '${name}', which was not uploaded.`, [
          issue(`files.${name}`, 'is missing'),
        ]);
      used.add(name);
      return shard;
    });
    const expected = group.weights.reduce((sum, entry) => sum + entryBytes(entry), 0);
    const actual = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
    if (expected !== actual)
      throw new InvalidModelArtifactError(
        `Weight group ${index} (${group.paths.join(', ')}) holds ${actual} bytes; its weights take ${expected}.`,
        [issue(`model.json.weightsManifest.${index}`, 'does not match its shards')],
      );
    chunks.push(...shards);
    specs.push(...group.weights);
  });
  const extra = [...files.keys()].filter((name) => !used.has(name));
  if (extra.length > 0)
    throw new InvalidModelArtifactError(`Files no weight group of model.json names: ${extra.join(', ')}.`, [
      ...extra.map((name) => issue(`files.${name}`, 'is not in model.json')),
    ]);
  const weights = Buffer.concat(chunks);
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology as object,
        weightSpecs: specs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      }),
      { strict: true },
    );
  } catch (error) {
    throw new InvalidModelArtifactError(
      `TensorFlow.js cannot build this model: ${(error as Error).message.slice(0, 300)}`,
      [issue('model.json', 'is not a loadable layers model')],
    );
  }
}

/** Checks a layers model against the declared input width and output units, then stores it under `key`. */
async function storeLayersModel(
  store: ArtifactStore,
  files: Map<string, Buffer>,
  state: PreprocessingState,
  key: string,
): Promise<SavedModelArtifact> {
  const model = await readLayersModel(files);
  try {
    const inputs = model.inputs;
    const outputs = model.outputs;
    if (inputs.length !== 1 || outputs.length !== 1)
      throw new UnprocessableError(
        'model_signature_mismatch',
        `An imported model reads one input and writes one output; this one has ${inputs.length} and ${outputs.length}.`,
        [issue('model.json', 'needs one input and one output')],
      );
    checkShape('input', 'model.json.input', inputs[0]!.shape, [state.width], String(state.width));
    const units = allowedUnits(state.target);
    checkShape('output', 'model.json.output', outputs[0]!.shape, units, units.join(' or '));
    return await saveModelArtifact(store, model, key);
  } finally {
    model.dispose();
  }
}

/** Checks an ONNX model against the declared width and units (by its declared shapes and one run), then stores it. */
async function storeOnnxModel(
  store: ArtifactStore,
  files: Map<string, Buffer>,
  state: PreprocessingState,
  key: string,
): Promise<SavedModelArtifact> {
  const names = [...files.keys()];
  const bytes = files.get(ONNX_FILE);
  if (bytes === undefined || names.length !== 1)
    throw new InvalidModelArtifactError(
      `An ONNX import is one file part named '${ONNX_FILE}'; got ${names.join(', ') || 'none'}.`,
      [issue(`files.${ONNX_FILE}`, 'send exactly this one file')],
    );
  const { model, signature } = await openOnnxModel(bytes);
  try {
    if (signature.inputType !== 'float32')
      throw new UnprocessableError(
        'model_signature_mismatch',
        `The ONNX input '${signature.inputName}' is ${signature.inputType}; imports feed float32.`,
        [issue('model.onnx.input', 'must be float32')],
      );
    checkShape('input', 'model.onnx.input', signature.inputShape, [state.width], String(state.width));
    const units = allowedUnits(state.target);
    // A declared output width is checked as declared; a symbolic one by the run below.
    if (signature.outputShape.length !== 2 || signature.outputShape[1]! >= 0)
      checkShape('output', 'model.onnx.output', signature.outputShape, units, units.join(' or '));
    // Symbolic dims say little: one run on two zero rows must give two rows of the expected units.
    let out: Float32Array;
    try {
      out = await model.run(new Float32Array(2 * state.width), 2);
    } catch (error) {
      throw new UnprocessableError(
        'model_signature_mismatch',
        `The ONNX model fails on a [2, ${state.width}] input: ${(error as Error).message.slice(0, 300)}`,
        [issue('model.onnx', 'does not run on the declared input')],
      );
    }
    if (!units.some((k) => out.length === 2 * k))
      throw new UnprocessableError(
        'model_signature_mismatch',
        `The ONNX model writes ${out.length / 2} values per row; the declared ${state.target.task} needs ${units.join(' or ')}.`,
        [issue('model.onnx.output', `must be [N, ${units.join(' or ')}]`)],
      );
  } finally {
    await model.dispose();
  }
  const written = await store.write(`${key}/${ONNX_FILE}`, bytes);
  return { artifactKey: key, sha256: written.sha256, bytes: written.sizeBytes };
}

/**
 * Checks the files and the spec, stores the artifact and registers the version, in that order:
 * a refusal at any step leaves nothing behind (the stored files are deleted again when the
 * registration fails). Returns the new version's number.
 */
export async function importModelVersion(
  db: Database,
  store: ArtifactStore,
  projectId: string,
  spec: ImportSpec,
  files: Map<string, Buffer>,
  quotas?: QuotaLimits,
): Promise<number> {
  const state = importedPreprocessing(spec);
  const key = `${importPrefix(projectId)}/${randomUUID()}`;
  let artifact: SavedModelArtifact | undefined;
  try {
    artifact =
      spec.format === 'onnx'
        ? await storeOnnxModel(store, files, state, key)
        : await storeLayersModel(store, files, state, key);
    const saved = artifact;
    return await db.$transaction(async (tx) => {
      await lockProject(tx, projectId);
      if (quotas) await checkImportQuotas(tx as unknown as Database, quotas, projectId, spec.modelName, saved.bytes);
      checkModelTask(
        await tx.model.findUnique({
          where: { projectId_name: { projectId, name: spec.modelName } },
          select: { task: true },
        }),
        spec.modelName,
        state.target.task,
      );
      const model = await tx.model.upsert({
        where: { projectId_name: { projectId, name: spec.modelName } },
        create: { projectId, name: spec.modelName, task: state.target.task, latestVersion: 1 },
        update: { latestVersion: { increment: 1 } },
      });
      const version = await tx.modelVersion.create({
        data: {
          modelId: model.id,
          version: model.latestVersion,
          origin: 'imported',
          artifactFormat: spec.format,
          modelType: 'imported',
          task: state.target.task,
          artifactKey: saved.artifactKey,
          artifactSha256: saved.sha256,
          artifactBytes: BigInt(saved.bytes),
          hyperparameters: { format: spec.format } as Prisma.InputJsonValue,
          preprocessing: state as unknown as Prisma.InputJsonValue,
          inputSchema: inputSchemaOf(state) as unknown as Prisma.InputJsonValue,
          outputSchema: outputSchemaOf(state) as unknown as Prisma.InputJsonValue,
          metrics: {} as Prisma.InputJsonValue,
          backend: spec.format === 'onnx' ? 'onnxruntime (cpu)' : 'tensorflowjs',
          trainingDurationMs: 0,
        },
      });
      // The request itself is audited (`model-imports.create`) with the version it created.
      return version.version;
    }, serialisedTransaction);
  } catch (error) {
    await store.deletePrefix(key).catch(() => undefined);
    throw error;
  }
}

/** An import adds a version (and maybe a model name) and its artifact's bytes: the same quotas a training job meets. */
async function checkImportQuotas(
  db: Database,
  limits: QuotaLimits,
  projectId: string,
  modelName: string,
  bytes: number,
) {
  await checkNewVersionQuotas(db, limits, projectId, modelName, { models: '.', versions: '.' });
  if (limits.storedBytes !== null) {
    const stored = await storedBytesOf(db, projectId);
    if (stored + bytes > limits.storedBytes) throw storedBytesExceeded(limits.storedBytes, stored);
  }
}
