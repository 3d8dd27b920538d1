/**
 * Opening the body of a dataset imported by URL, fetched by the service itself: HTTP(S) through
 * the address policy (src/network/address-policy.ts) on the first request and on every
 * redirect, the socket connected to the very address the policy checked; `s3://bucket/key`
 * from the buckets the operator lists, with the service's own S3 endpoint and credentials.
 * The body is handed on as a stream; its size is bounded by the upload's own limit.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Config } from '../config/env.ts';
import { PayloadTooLargeError, UnprocessableError } from '../errors.ts';
import { AddressRefusedError, type AddressPolicy } from '../network/address-policy.ts';
import { parseS3Url } from '../storage/s3-location.ts';
import { serviceVersion } from '../service-version.ts';

/** Redirects followed at most, each checked as the first URL was. */
const MAX_REDIRECTS = 5;
/** A source silent for this long (connecting, or between two reads) is given up. */
const IDLE_TIMEOUT_MS = 30_000;

export type ImportSettings = Pick<
  Config,
  'IMPORT_S3_BUCKETS' | 'ARTIFACT_STORE' | 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'AWS_REGION'
>;

export interface ImportSource {
  body: Readable;
  /** The source's media type, when it named one. */
  contentType?: string;
  /** The final URL's path (after redirects), whose extension may name the format. */
  path: string;
  /** Releases what the source holds (an S3 client); the body is destroyed first if unread. */
  close(): void;
}

const refused = (detail: string) =>
  new UnprocessableError('import_url_refused', `The import URL is refused: ${detail}.`, [
    { path: 'body.url', message: detail },
  ]);
const failed = (detail: string) =>
  new UnprocessableError('import_source_failed', `The import source could not be read: ${detail}.`, [
    { path: 'body.url', message: detail },
  ]);

/**
 * Opens `url` for reading.
 * @throws UnprocessableError `import_url_refused` (422) for a scheme, address or bucket the
 *   service may not read, `import_source_failed` (422) when the source answers an error or
 *   cannot be reached; PayloadTooLargeError (413) when it declares more than `maxBytes`.
 */
export async function openImportSource(
  url: string,
  options: { policy: AddressPolicy; settings: ImportSettings; maxBytes: number },
): Promise<ImportSource> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused('it is not a valid URL');
  }
  if (parsed.protocol === 's3:') return openS3Object(url, options.settings, options.maxBytes);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw refused(`the scheme ${parsed.protocol} is not one of https:, http: or s3:`);
  if (parsed.username || parsed.password) throw refused('credentials in the URL are not sent');
  let target = parsed;
  for (let redirects = 0; ; redirects++) {
    const response = await get(target, options.policy);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects === MAX_REDIRECTS) throw failed(`more than ${MAX_REDIRECTS} redirects`);
      let next: URL;
      try {
        next = new URL(response.headers.location, target);
      } catch {
        throw failed('a redirect to an invalid URL');
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:')
        throw refused(`a redirect to the scheme ${next.protocol}`);
      if (target.protocol === 'https:' && next.protocol === 'http:')
        throw refused('a redirect from https: to http: (the body would travel in clear)');
      target = next;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw failed(`${target.host} answered ${status}`);
    }
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > options.maxBytes) {
      response.destroy();
      throw new PayloadTooLargeError(options.maxBytes);
    }
    response.setTimeout(IDLE_TIMEOUT_MS, () => response.destroy(new Error('the source stopped sending')));
    return {
      body: response,
      contentType: response.headers['content-type'],
      path: target.pathname,
      close: () => response.destroy(),
    };
  }
}

/** One GET, connected to the address the policy checked; any answer status resolves. */
function get(target: URL, policy: AddressPolicy): Promise<IncomingMessage> {
  const refusal = policy.refusalOf(target);
  if (refusal) return Promise.reject(refused(refusal));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(target, {
      lookup: policy.lookup as never,
      agent: false,
      headers: { 'user-agent': `maas-dataset-import/${serviceVersion}`, 'accept-encoding': 'identity' },
    });
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${IDLE_TIMEOUT_MS} ms`)));
    request.once('response', resolve);
    request.once('error', (error) => {
      const cause = error as Error & { cause?: unknown };
      if (error instanceof AddressRefusedError || cause.cause instanceof AddressRefusedError)
        reject(refused(error.message));
      else reject(failed(error.message));
    });
  });
}

async function openS3Object(url: string, settings: ImportSettings, maxBytes: number): Promise<ImportSource> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw refused('an s3:// URL names a bucket and a key: s3://bucket/key');
  const [, bucket, key] = match as unknown as [string, string, string];
  const allowed = settings.IMPORT_S3_BUCKETS.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!allowed.includes(bucket))
    throw refused(`the bucket '${bucket}' is not one datasets may be imported from (IMPORT_S3_BUCKETS)`);
  // The service's own objects (every tenant's datasets and models) are never a source.
  if (settings.ARTIFACT_STORE) {
    const store = parseS3Url(settings.ARTIFACT_STORE);
    if (store.bucket === bucket && key.startsWith(store.prefix)) throw refused("the service's own artifact store");
  }
  // Loaded here: few processes ever import from a bucket.
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: settings.AWS_REGION,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.S3_ENDPOINT && { endpoint: settings.S3_ENDPOINT }),
  });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = object.Body as Readable;
    if ((object.ContentLength ?? 0) > maxBytes) {
      body.destroy();
      throw new PayloadTooLargeError(maxBytes);
    }
    return {
      body,
      contentType: object.ContentType,
      path: `/${key}`,
      close: () => {
        body.destroy();
        client.destroy();
      },
    };
  } catch (error) {
    client.destroy();
    if (error instanceof PayloadTooLargeError) throw error;
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    throw failed(`s3://${bucket}/${key} answered ${$metadata?.httpStatusCode ?? name ?? 'an error'}`);
  }
}
