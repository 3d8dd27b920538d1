import type { Config } from '../config/env.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';

/**
 * The artifact store the configuration names: a local directory today. Here rather than in the
 * composition root so that a training child, which builds its own clients, need not import it.
 */
export function createArtifactStore(config: Pick<Config, 'ARTIFACT_DIR'>): ArtifactStore {
  return new LocalArtifactStore(config.ARTIFACT_DIR);
}
