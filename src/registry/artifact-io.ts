import { createHash } from 'node:crypto';
// Registers the custom transformer layers for deserialisation: without it, a saved
// transformer fails to load ("Unknown layer: MultiHeadSelfAttention").
import '../models/architectures/attention-layer.ts';
// Saved LSTMs load into the fused layer (lstm-layer.ts) rather than tfjs's step-by-step one.
import '../models/architectures/lstm-layer.ts';
import { DomainError } from '../errors.ts';
import { tf } from '../ml/backend.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';

/** Where a saved model lives and the digest that proves it unchanged. */
export interface SavedModelArtifact {
  /** Key prefix holding `model.json` and `weights.bin`. */
  artifactKey: string;
  /** Hex sha256 of `model.json`, which records the sha256 and length of `weights.bin`. */
  sha256: string;
  /** Bytes of `model.json` and `weights.bin` together: what the version adds to the project's stored bytes. */
  bytes: number;
}

/** A stored model whose bytes no longer match the digest recorded at save time. */
export class ArtifactIntegrityError extends DomainError {
  constructor(detail: string) {
    super('artifact_integrity_failed', detail);
  }
}

const MANIFEST = 'model.json';
const WEIGHTS = 'weights.bin';

/** The manifest written beside the weights: the topology and weight specs of a LayersModel. */
interface ModelManifest {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weights: { path: string; sha256: string; bytes: number };
  userDefinedMetadata?: Record<string, unknown>;
}

/**
 * A TensorFlow.js IOHandler over an ArtifactStore: `save` writes `weights.bin` then
 * `model.json` under `artifactKey` (the manifest last, so its presence means a complete
 * model); `load` verifies the manifest against `expectedSha256` and the weights against
 * the manifest before handing them to TensorFlow.js. Used instead of tfjs' `file://`
 * loader so models work with any store and are never loaded unverified.
 */
export class ArtifactStoreIOHandler implements tf.io.IOHandler {
  /** Set once `save` has completed. */
  saved?: SavedModelArtifact;

  constructor(
    private readonly store: ArtifactStore,
    private readonly artifactKey: string,
    private readonly expectedSha256?: string,
    private readonly metadata?: Record<string, unknown>,
  ) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
      throw new Error('Only LayersModel artifacts with a JSON topology can be saved');
    }
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
    await this.store.write(`${this.artifactKey}/${WEIGHTS}`, weights);
    const manifest: ModelManifest = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs ?? [],
      weights: { path: WEIGHTS, sha256: sha256(weights), bytes: weights.byteLength },
      ...(this.metadata ? { userDefinedMetadata: this.metadata } : {}),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    const written = await this.store.write(`${this.artifactKey}/${MANIFEST}`, manifestBytes);
    this.saved = {
      artifactKey: this.artifactKey,
      sha256: written.sha256,
      bytes: weights.byteLength + written.sizeBytes,
    };
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
        weightSpecsBytes: Buffer.byteLength(JSON.stringify(manifest.weightSpecs)),
        weightDataBytes: weights.byteLength,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    if (!this.expectedSha256) throw new Error('Loading a model artifact requires its expected sha256');
    // The weights are read beside the manifest, at the path every saved artifact uses: the two
    // reads (and decryptions) overlap instead of following each other on a first prediction's
    // path. They are checked against the manifest's digest all the same.
    const usualWeights = this.store.read(`${this.artifactKey}/${WEIGHTS}`);
    usualWeights.catch(() => undefined);
    const manifestBytes = await this.store.read(`${this.artifactKey}/${MANIFEST}`);
    const manifestDigest = sha256(manifestBytes);
    if (manifestDigest !== this.expectedSha256) {
      throw new ArtifactIntegrityError(
        `Model artifact '${this.artifactKey}' has sha256 ${manifestDigest}, expected ${this.expectedSha256}.`,
      );
    }
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as ModelManifest;
    const weights = await (manifest.weights.path === WEIGHTS
      ? usualWeights
      : this.store.read(`${this.artifactKey}/${manifest.weights.path}`));
    const weightsDigest = sha256(weights);
    if (weightsDigest !== manifest.weights.sha256 || weights.byteLength !== manifest.weights.bytes) {
      throw new ArtifactIntegrityError(
        `The weights of model artifact '${this.artifactKey}' do not match their manifest (sha256 ${weightsDigest}).`,
      );
    }
    return {
      format: manifest.format,
      generatedBy: manifest.generatedBy,
      convertedBy: manifest.convertedBy,
      modelTopology: manifest.modelTopology as object,
      weightSpecs: manifest.weightSpecs,
      // Copy out of Node's pooled Buffer: tfjs needs an ArrayBuffer holding exactly the weights.
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      userDefinedMetadata: manifest.userDefinedMetadata as Record<string, object> | undefined,
    };
  }
}

/** Saves `model` under `artifactKey` and returns the key with the manifest's sha256. */
export async function saveModelArtifact(
  store: ArtifactStore,
  model: tf.LayersModel,
  artifactKey: string,
  metadata?: Record<string, unknown>,
): Promise<SavedModelArtifact> {
  const handler = new ArtifactStoreIOHandler(store, artifactKey, undefined, metadata);
  await model.save(handler);
  if (!handler.saved) throw new Error('The model was not saved');
  return handler.saved;
}

/** Loads a model saved by saveModelArtifact; throws ArtifactIntegrityError when any byte changed. */
export function loadModelArtifact(
  store: ArtifactStore,
  artifactKey: string,
  expectedSha256: string,
): Promise<tf.LayersModel> {
  return tf.loadLayersModel(new ArtifactStoreIOHandler(store, artifactKey, expectedSha256), { strict: true });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
