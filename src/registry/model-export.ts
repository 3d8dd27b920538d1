/**
 * Take your model away: a version as a `.tar.gz` holding a TensorFlow.js layers model in the
 * converter's own layout (`model.json` with `weightsManifest`, one weight shard), or the ONNX
 * file of an imported ONNX version; its fitted preprocessing as JSON; its input and output
 * schemas; and a README saying how to run it elsewhere. Every byte is verified against the
 * digests recorded at registration before it leaves.
 */
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { ArtifactStoreIOHandler } from './artifact-io.ts';
import { loadOnnxArtifact, ONNX_FILE } from './onnx-artifact.ts';
import { tarGz, type TarEntry } from './tar-archive.ts';

/** The version fields an export reads. */
export interface ExportedVersion {
  model: string;
  version: number;
  task: string;
  modelType: string;
  origin: string;
  artifactFormat: string;
  artifactKey: string;
  artifactSha256: string;
  preprocessing: unknown;
  inputSchema: unknown;
  outputSchema: unknown;
  createdAt: Date;
}

const WEIGHTS_SHARD = 'group1-shard1of1.bin';
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

export async function exportVersionArchive(store: ArtifactStore, version: ExportedVersion): Promise<Buffer> {
  const entries: TarEntry[] = [];
  if (version.artifactFormat === 'onnx') {
    // Loading verifies the digest; the bytes are then read once more for the archive.
    await (await loadOnnxArtifact(store, version.artifactKey, version.artifactSha256)).dispose();
    entries.push({ name: ONNX_FILE, data: await store.read(`${version.artifactKey}/${ONNX_FILE}`) });
  } else {
    const artifacts = await new ArtifactStoreIOHandler(store, version.artifactKey, version.artifactSha256).load();
    const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
    entries.push(
      {
        name: 'model.json',
        data: json({
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_SHARD], weights: artifacts.weightSpecs ?? [] }],
        }),
      },
      { name: WEIGHTS_SHARD, data: weights },
    );
  }
  entries.push(
    { name: 'preprocessing.json', data: json(version.preprocessing) },
    {
      name: 'signature.json',
      data: json({
        model: version.model,
        version: version.version,
        task: version.task,
        modelType: version.modelType,
        origin: version.origin,
        format: version.artifactFormat,
        inputSchema: version.inputSchema,
        outputSchema: version.outputSchema,
      }),
    },
    { name: 'README.md', data: Buffer.from(readme(version), 'utf8') },
  );
  return tarGz(entries, version.createdAt);
}

function readme(version: ExportedVersion): string {
  const onnx = version.artifactFormat === 'onnx';
  const kind = (version.preprocessing as { kind?: string } | null)?.kind ?? 'tabular';
  return `# ${version.model}, version ${version.version}

A ${version.task} model (${version.modelType}, ${version.origin} ${onnx ? 'as ONNX' : ''}), exported from maas.

## Files

${
  onnx
    ? `- \`${ONNX_FILE}\`: the model, for ONNX Runtime: one float32 input [N, width], the encoded rows.`
    : `- \`model.json\`, \`${WEIGHTS_SHARD}\`: a TensorFlow.js layers model, as the TensorFlow.js converter writes
  one. Load it with \`tf.loadLayersModel('.../model.json')\` in a browser or Node.js. It reads the
  *encoded* rows (below), not raw records.${
    version.modelType === 'transformer'
      ? '\n  It uses the custom layer `MultiHeadSelfAttention`: register the same layer before loading.'
      : ''
  }`
}
- \`preprocessing.json\`: the fitted preprocessing (${kind}), applied to every record before the model.
- \`signature.json\`: the input schema (features, in order, with types and categories) and the
  output schema (task, target, labels in the order of the model's outputs).

## Preprocessing (tabular)

\`features\` lists one encoder per feature, in the order of the model's input columns:

- \`numeric\`: a missing value becomes \`median\`; then \`(value - mean) / std\`; one column.
- \`boolean\`: a missing value becomes \`mostFrequent\`; 1 for true, 0 for false; one column.
- \`categorical\`: a missing value becomes \`mostFrequent\`; one-hot over \`categories\` in order,
  plus one last column for any value not among them.

\`width\` is the number of columns. The output: for classification, one probability per label in
\`target.labels\` order (one sigmoid unit means the probability of the second label); for
regression, one value, which is \`value * std + mean\` when \`target.standardized\` is true.

Import this archive's files back into maas with \`POST /v1/model-imports\` (see the API
documentation): the version then serves the same predictions.
`;
}
