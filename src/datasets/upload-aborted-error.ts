import { DomainError } from '../errors.ts';

/**
 * The upload stopped before its body was complete: the client disconnected, the body stream
 * failed, or the caller's AbortSignal fired. Nothing was stored.
 */
export class UploadAbortedError extends DomainError {
  constructor(detail = 'The upload was interrupted before the body was complete; nothing was stored.', cause?: unknown) {
    super('upload_aborted', 400, detail, { cause });
  }
}
