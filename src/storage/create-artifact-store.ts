import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DataKeyRing } from './encryption/data-keys.ts';
import { EncryptedArtifactStore } from './encryption/encrypted-artifact-store.ts';
import { resolveMasterKeys, type MasterKeyConfig, type MasterKeys } from './encryption/master-keys.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';

export type ArtifactStoreConfig = Pick<Config, 'ARTIFACT_DIR' | 'ENCRYPTION_AT_REST'> & MasterKeyConfig;

/**
 * The artifact store the configuration names: a local directory today, under envelope
 * encryption (ENCRYPTION_AT_REST) whose data keys live in `db`. Here rather than in the
 * composition root so that a training child, which builds its own clients, need not import it.
 * The layer stays even with encryption off, so files encrypted earlier still read.
 */
export function createArtifactStore(config: ArtifactStoreConfig, db: Database): ArtifactStore {
  let masterKeys: Promise<MasterKeys> | undefined;
  // Resolved on first use: a process that never touches an encrypted file needs no key.
  const resolve = () => {
    masterKeys ??= resolveMasterKeys(config);
    masterKeys.catch(() => (masterKeys = undefined));
    return masterKeys;
  };
  return new EncryptedArtifactStore(new LocalArtifactStore(config.ARTIFACT_DIR), new DataKeyRing(db, resolve), {
    encrypt: config.ENCRYPTION_AT_REST,
  });
}
