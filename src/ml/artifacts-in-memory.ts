import * as tf from './tfjs.ts';

/**
 * A model's artifacts (topology, weight specs and weights) saved in memory, as
 * `tf.io.fromMemory` reads them back: to copy a model into another thread or process, or to run
 * a load without storage.
 */
export async function artifactsInMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (artifacts === undefined) throw new Error('the model saved no artifacts');
  return artifacts;
}
