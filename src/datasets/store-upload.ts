/**
 * Streaming an upload body into the artifact store, for every dataset format: bounded by
 * MAX_UPLOAD_BYTES, with backpressure, optionally checked chunk by chunk on the way, and
 * committed only once the whole body has arrived and been accepted. This is the one place
 * where the ways an upload can fail are told apart and named.
 */
import type { Readable } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, PayloadTooLargeError } from '../errors.ts';
import type { ArtifactStore, WrittenArtifact } from '../storage/artifact-store.ts';

/**
 * The upload stopped before its body was complete: the client disconnected, the body stream
 * failed, or the caller's AbortSignal fired. Nothing was stored.
 */
export class UploadAbortedError extends DomainError {
  constructor(
    detail = 'The upload was interrupted before the body was complete; nothing was stored.',
    cause?: unknown,
  ) {
    super('upload_aborted', detail, { cause });
  }
}

/** Sees an upload as it is stored; throwing (a DomainError, say) refuses the upload. */
export interface UploadInspector {
  /** Each chunk in order, before it goes to the store. */
  write(chunk: Buffer): void;
  /** After the last chunk, before the store commits: the body is complete and this long. */
  end(sizeBytes: number): void;
}

export interface StoreUploadOptions {
  /** The upload body, read once. */
  source: Readable;
  store: ArtifactStore;
  /** Where the body is stored. */
  key: string;
  /** Bodies longer than this are refused with PayloadTooLargeError (413). */
  maxBytes: number;
  /** Aborting stops the upload with UploadAbortedError; nothing is stored. */
  signal?: AbortSignal;
  inspector?: UploadInspector;
  /** A second bound besides `maxBytes` (what a quota leaves), refused with its own error. */
  budget?: { bytes: number; exceeded(): Error };
}

/**
 * Streams `source` into the store under `key`. The object appears only once the whole body
 * is stored and the inspector accepted it; on any failure nothing is left in the store.
 *
 * @throws PayloadTooLargeError (413) past `maxBytes`; the budget's error past its bytes;
 *   UploadAbortedError (400) when the source fails or closes early or `signal` aborts; the
 *   inspector's errors as they are; store failures as they are.
 */
export async function storeUpload(options: StoreUploadOptions): Promise<WrittenArtifact> {
  const { source, store, key, maxBytes, signal, inspector, budget } = options;
  const storeInput = new PassThrough({ highWaterMark: 1 << 16 });
  // Destroying storeInput is how a failed upload cancels the store write; the store reports
  // that through its promise, and may not be listening yet (it creates its directory first).
  storeInput.on('error', () => undefined);
  let sizeBytes = 0;
  let sourceError: unknown;
  let storeError: unknown;
  source.once('error', (error) => {
    sourceError = error;
  });

  // Every chunk goes to the inspector and, with backpressure, to the store; the store
  // commits (renames its temp file) only when storeInput ends, after the inspector's end.
  const sink = new Writable({
    highWaterMark: 1 << 16,
    write(chunk: Buffer, _encoding, callback) {
      try {
        sizeBytes += chunk.length;
        if (sizeBytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
        if (budget && sizeBytes > budget.bytes) throw budget.exceeded();
        inspector?.write(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (storeInput.write(chunk)) callback();
      else storeInput.once('drain', () => callback());
    },
    final(callback) {
      try {
        inspector?.end(sizeBytes);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const written = store.write(key, storeInput);
  // A store that fails mid-way stops the upload instead of leaving it blocked on 'drain'.
  written.catch((error: unknown) => {
    storeError = error;
    sink.destroy(error as Error);
  });

  try {
    await pipeline(source, sink, signal === undefined ? {} : { signal });
    storeInput.end();
    return await written;
  } catch (error) {
    storeInput.destroy(error as Error);
    // Whatever the store may have committed before the error surfaced goes too.
    const committed = await written.then(
      () => true,
      () => false,
    );
    if (committed) await store.delete(key);
    throw uploadError(storeError ?? error, sourceError);
  }
}

/**
 * What a failed upload answers: the domain errors (too large, an invalid body) as they are;
 * the body's own failure, an early close or an abort as UploadAbortedError; anything else
 * (a store failure) unchanged.
 */
function uploadError(error: unknown, sourceError: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const aborted = (error as Error | undefined)?.name === 'AbortError' || code === 'ERR_STREAM_PREMATURE_CLOSE';
  if (aborted || (sourceError !== undefined && error === sourceError)) return new UploadAbortedError(undefined, error);
  return error;
}
