import path from 'node:path';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/client.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DataKeyRing } from './encryption/data-keys.ts';
import { EncryptedArtifactStore } from './encryption/encrypted-artifact-store.ts';
import { resolveMasterKeys, type MasterKeyConfig, type MasterKeys } from './encryption/master-keys.ts';
import { LocalArtifactStore } from './local-artifact-store.ts';
import { DeferredArtifactStore } from './deferred-artifact-store.ts';
import { CachedArtifactStore } from './cached-artifact-store.ts';

export type ArtifactStoreConfig = Pick<
  Config,
  'ARTIFACT_DIR' | 'ENCRYPTION_AT_REST' | 'ARTIFACT_STORE' | 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'AWS_REGION'
> &
  Partial<Pick<Config, 'ARTIFACT_CACHE_MB'>> &
  MasterKeyConfig;

/**
 * The artifact store the configuration names: a local directory or an S3 bucket, under envelope
 * encryption (ENCRYPTION_AT_REST) whose data keys live in `db`. Here rather than in the
 * composition root so that a training child, which builds its own clients, need not import it.
 * The layer stays even with encryption off, so files encrypted earlier still read.
 */
export function createArtifactStore(
  config: ArtifactStoreConfig,
  db: Database,
  opts: { localCopies?: CachedArtifactStore } = {},
): ArtifactStore {
  let masterKeys: Promise<MasterKeys> | undefined;
  // Resolved on first use: a process that never touches an encrypted file needs no key.
  const resolve = () => {
    masterKeys ??= resolveMasterKeys(config);
    masterKeys.catch(() => (masterKeys = undefined));
    return masterKeys;
  };
  return new EncryptedArtifactStore(opts.localCopies ?? objectStore(config), new DataKeyRing(db, resolve), {
    encrypt: config.ENCRYPTION_AT_REST,
  });
}

/** The store underneath the encryption: the bucket ARTIFACT_STORE names, else ARTIFACT_DIR. */
export function objectStore(config: ArtifactStoreConfig): ArtifactStore {
  const bucket = config.ARTIFACT_STORE;
  if (!bucket) return new LocalArtifactStore(config.ARTIFACT_DIR);
  // The SDK loads with the store's first use, not with every process that could use it.
  return new DeferredArtifactStore(async () => {
    const { S3ArtifactStore } = await import('./s3-artifact-store.ts');
    return new S3ArtifactStore(bucket, {
      region: config.AWS_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      ...(config.S3_ENDPOINT && { endpoint: config.S3_ENDPOINT }),
    });
  });
}

/**
 * Local copies of the model artifacts a process reads from a bucket (ARTIFACT_CACHE_MB under
 * ARTIFACT_DIR), for API processes; none for the local directory store or a size of 0.
 */
export function localArtifactCopies(config: ArtifactStoreConfig): CachedArtifactStore | undefined {
  const megabytes = config.ARTIFACT_CACHE_MB ?? 0;
  if (!config.ARTIFACT_STORE || megabytes <= 0) return undefined;
  return new CachedArtifactStore(objectStore(config), {
    root: path.join(config.ARTIFACT_DIR, 'artifact-cache'),
    maxBytes: megabytes * 1024 ** 2,
  });
}
