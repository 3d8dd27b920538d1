import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertSafeKey,
  checkedRange,
  type ArtifactRanges,
  type ArtifactStore,
  type WrittenArtifact,
} from './artifact-store.ts';
import { parseS3Url, type S3Location } from './s3-location.ts';

export { parseS3Url, type S3Location };

/** The digest of the bytes, kept as object metadata and checked on every read. */
const SHA256_METADATA = 'sha256';

/** Multipart uploads: 8 MiB parts, two in flight, so a write holds at most about 16 MiB. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export class ChecksumMismatchError extends Error {
  constructor(key: string) {
    super(`Artifact '${key}' does not match the digest stored with it: the object was altered or truncated.`);
    this.name = 'ChecksumMismatchError';
  }
}

/**
 * An artifact store in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Ceph). Writes
 * stream into multipart uploads with bounded memory; an object appears only when its upload
 * completes, and a failed upload is aborted, so no half-written object is ever visible. Each
 * object carries its sha256 as metadata, and reads fail when the bytes do not match it.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly location: S3Location;
  private readonly client: S3Client;

  constructor(location: S3Location | string, client: S3Client | S3ClientConfig = {}) {
    this.location = typeof location === 'string' ? parseS3Url(location) : location;
    this.client =
      client instanceof S3Client
        ? client
        : new S3Client({
            // Checksums only where S3 requires them: trailing checksums (aws-chunked bodies) are
            // not understood by every S3-compatible server, and the store checks its own digest.
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
            ...client,
          });
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.location.prefix + key;
  }

  async write(key: string, source: Readable | Uint8Array): Promise<WrittenArtifact> {
    const Key = this.objectKey(key);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    if (!(source instanceof Readable)) {
      // Small bodies (model weights, metadata) in one request, with the digest known up front.
      const body = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      const sha256 = hash.update(body).digest('hex');
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key,
          Body: body,
          Metadata: { [SHA256_METADATA]: sha256 },
        }),
      );
      return { sizeBytes: body.length, sha256 };
    }
    const measured = new PassThrough();
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    // A stream's digest is only known at its end, and an object's metadata is fixed when its
    // upload starts (S3 has no rename; a copy would write every byte twice): the digest goes in
    // a small object beside it, written once the body is complete. An object whose process died
    // in between has none and does not read; its write never returned, so nothing refers to it.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key, Body: measured },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const feeding = pipeline(source, measure, measured);
    try {
      await Promise.all([feeding, upload.done()]);
    } catch (error) {
      // A failed source or a failed part: the upload aborts itself (lib-storage), and a
      // completed one is removed, so nothing half-written stays under the key.
      measured.destroy();
      await upload.abort().catch(() => undefined);
      await feeding.catch(() => undefined);
      throw error;
    }
    const sha256 = hash.digest('hex');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: `${Key}${DIGEST_SUFFIX}`,
        Body: sha256,
      }),
    );
    return { sizeBytes, sha256 };
  }

  async read(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.createReadStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  createReadStream(key: string): Readable {
    const Key = this.objectKey(key);
    const output = new PassThrough();
    void (async () => {
      const expected = await this.expectedDigest(Key);
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key }));
      const hash = createHash('sha256');
      const verify = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback(null, chunk);
        },
        flush(callback) {
          const actual = hash.digest('hex');
          callback(actual === expected ? null : new ChecksumMismatchError(key));
        },
      });
      await pipeline(object.Body as Readable, verify, output);
    })().catch((error: unknown) => output.destroy(notFound(error, key)));
    return output;
  }

  /**
   * Ranged GETs, each conditional on the ETag seen when opened: an object replaced meanwhile
   * fails the read instead of mixing two versions' bytes.
   */
  async openRanges(key: string): Promise<ArtifactRanges> {
    const Key = this.objectKey(key);
    const Bucket = this.location.bucket;
    const head = await this.client
      .send(new HeadObjectCommand({ Bucket, Key }))
      .catch((error: unknown) => Promise.reject(notFound(error, key)));
    const sizeBytes = head.ContentLength ?? 0;
    const etag = head.ETag;
    const client = this.client;
    return {
      sizeBytes,
      async read(start, end) {
        const stop = checkedRange(sizeBytes, start, end, key);
        if (stop === start) return Buffer.alloc(0);
        const object = await client
          .send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${start}-${stop - 1}`, IfMatch: etag }))
          .catch((error: unknown) => Promise.reject(notFound(error, key)));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        if (bytes.length !== stop - start)
          throw new Error(`Artifact '${key}' answered ${bytes.length} bytes for a range of ${stop - start}`);
        return bytes;
      },
    };
  }

  /**
   * The digest written with the object: in its metadata (single PUT) or beside it (multipart).
   * Every object this store writes has one; an object without is not one of ours (or its write
   * never returned) and does not read. This catches corruption and truncation; against someone
   * who can write to the bucket, the encryption layer's authenticated chunks are the defence.
   */
  private async expectedDigest(Key: string): Promise<string | undefined> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key }));
    const inline = head.Metadata?.[SHA256_METADATA];
    if (inline) return inline;
    try {
      const digest = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: `${Key}${DIGEST_SUFFIX}` }),
      );
      return (await digest.Body?.transformToString())?.trim();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    for (const target of [Key, `${Key}${DIGEST_SUFFIX}`])
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: target }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const keys = await this.objectKeys(this.folder(prefix));
    // DeleteObjects takes at most 1000 keys a request.
    for (let start = 0; start < keys.length; start += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.location.bucket,
          Delete: { Objects: keys.slice(start, start + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.objectKeys(this.folder(prefix));
    return keys
      .filter((Key) => !Key.endsWith(DIGEST_SUFFIX))
      .map((Key) => Key.slice(this.location.prefix.length))
      .sort();
  }

  async check(): Promise<void> {
    const Key = `${this.location.prefix}.readyz-${process.pid}-${Date.now()}`;
    await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key, Body: 'ok' }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key }));
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
  }

  /** The object-key prefix for a store folder: '' is the whole store. */
  private folder(prefix: string): string {
    const trimmed = prefix.replace(/\/+$/, '');
    if (trimmed === '') return this.location.prefix;
    assertSafeKey(trimmed);
    return `${this.location.prefix}${trimmed}/`;
  }

  private async objectKeys(Prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }
}

/** A multipart object's digest lives beside it under this suffix (metadata is fixed at the start). */
const DIGEST_SUFFIX = '.sha256';

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}

/** A missing object reads as ENOENT, as the local store's does, so callers treat both alike. */
function notFound(error: unknown, key: string): Error {
  if (!isNotFound(error)) return error as Error;
  return Object.assign(new Error(`ENOENT: no artifact '${key}'`), { code: 'ENOENT' });
}
