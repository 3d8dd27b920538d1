import { createHash } from 'node:crypto';
import { openOnnxModel, type OnnxModel } from '../ml/onnx-model.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { ArtifactIntegrityError } from './artifact-io.ts';

/** The one file of an ONNX version's artifact. */
export const ONNX_FILE = 'model.onnx';

/** Loads an imported ONNX version, refusing bytes that no longer match the digest recorded at import. */
export async function loadOnnxArtifact(
  store: ArtifactStore,
  artifactKey: string,
  expectedSha256: string,
): Promise<OnnxModel> {
  const bytes = await store.read(`${artifactKey}/${ONNX_FILE}`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== expectedSha256)
    throw new ArtifactIntegrityError(
      `Model artifact '${artifactKey}' has sha256 ${digest}, expected ${expectedSha256}.`,
    );
  return (await openOnnxModel(bytes)).model;
}
