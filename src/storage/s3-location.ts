/** Where an S3 store keeps its objects: `s3://bucket/prefix` parsed. */
export interface S3Location {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
}

/** Parses `s3://bucket[/prefix]`; throws on anything else. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`'${url}' is not an s3://bucket[/prefix] URL`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1] as string, prefix: prefix === '' ? '' : `${prefix}/` };
}
