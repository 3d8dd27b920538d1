/**
 * The fields a `ModelVersion` row needs beside its model, number and kind, for tests that write
 * registry rows directly (resolution, sweeps) and never load the version's artifact.
 */
export const unloadedVersionFields = {
  hyperparameters: {},
  preprocessing: {},
  inputSchema: {},
  outputSchema: {},
  metrics: {},
  backend: 'cpu',
  trainingDurationMs: 1,
} as const;
