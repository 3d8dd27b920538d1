import { DomainError } from '../../errors.ts';

/**
 * An encrypted artifact failed authentication: altered, truncated, records reordered or cut.
 * Never a silently wrong dataset or model: reads stop here, a job fails with this code.
 */
export class ArtifactTamperedError extends DomainError {
  constructor(key: string, reason: string) {
    super('artifact_integrity_failed', `The stored artifact '${key}' is damaged: ${reason}.`);
  }
}

/**
 * The key an artifact needs cannot be had: its data key is gone (an erased project), or is
 * wrapped by a master key this process was not given (a rotation with the old key dropped
 * too early: configure it in MAAS_PREVIOUS_MASTER_KEYS).
 */
export class EncryptionKeyUnavailableError extends DomainError {
  constructor(detail: string) {
    super('encryption_key_unavailable', detail);
  }
}
