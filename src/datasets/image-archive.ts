/**
 * Reading a labelled image dataset from a ZIP archive, in memory only. Layout: one folder per
 * class at the top (`cat/1.png`), or the same under a single root folder
 * (`pets/cat/1.png`). Defences, because uploads are untrusted:
 *
 * - zip slip: nothing is ever written to disk, and entry names with `..`, absolute paths,
 *   drive letters or empty/`.` segments are skipped (reported), never used as paths;
 * - zip bombs: entry count, per-entry and total inflated bytes, and the inflated/compressed
 *   ratio are enforced while inflating, counting real bytes (headers can lie);
 * - anything that is not a PNG or JPEG (by content, not by extension) is skipped and reported;
 * - decompression bombs inside the images: an entry whose header declares more than
 *   `maxImagePixels` pixels is skipped and reported as soon as its header has been inflated,
 *   so neither the rest of it nor its pixels are ever inflated.
 */
import yauzl from 'yauzl';
import { DomainError, InvalidDatasetError } from '../errors.ts';
import { DEFAULT_MAX_IMAGE_PIXELS, readImageHeader, type ImageFormat } from './image-format.ts';

/** Caps on an archive; a breach rejects the whole archive (HTTP 413, `archive_limit_exceeded`). */
export interface ArchiveLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Inflated bytes per compressed byte, per entry. PNG/JPEG barely compress, so 100 is generous. */
  maxCompressionRatio: number;
  /**
   * Pixels one image may declare in its header. Unlike the limits above, an entry past it is
   * skipped (and reported), not the whole archive: it is read only up to its header.
   */
  maxImagePixels: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 50_000,
  maxEntryBytes: 16 * 2 ** 20,
  maxTotalBytes: 512 * 2 ** 20,
  maxCompressionRatio: 100,
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
};

/** One image of the archive. `name` is the entry name, for reports only. */
export interface LabelledImage {
  label: string;
  name: string;
  format: ImageFormat;
  bytes: Uint8Array;
}

export interface ImageArchive {
  images: LabelledImage[];
  /** Distinct labels, sorted: the class order models use. */
  labels: string[];
  skipped: { name: string; reason: string }[];
}

/** A limit breach; the whole archive is refused. */
export class ArchiveLimitError extends DomainError {
  constructor(limit: keyof ArchiveLimits, max: number, detail: string) {
    super('archive_limit_exceeded', detail, { extra: { limit, max } });
  }
}

const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;
// Folders and files that archivers add and nobody means as data.
const NOISE = /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(\/|$)|(^|\/)\._/;

/** Reads the labelled images of a ZIP archive held in memory. */
export async function readImageArchive(zip: Uint8Array, overrides: Partial<ArchiveLimits> = {}): Promise<ImageArchive> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
  let zipfile: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would otherwise fail the whole archive on one unsafe name;
    // names are decoded and vetted per entry below instead.
    zipfile = await yauzl.fromBufferPromise(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw new InvalidDatasetError(
      `The upload is not a readable ZIP archive: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    if (zipfile.entryCount > limits.maxEntries) {
      throw new ArchiveLimitError(
        'maxEntries',
        limits.maxEntries,
        `The archive has ${zipfile.entryCount} entries; at most ${limits.maxEntries} are accepted.`,
      );
    }
    const skipped: ImageArchive['skipped'] = [];
    const candidates = await listImageEntries(zipfile, limits, skipped);
    const images: LabelledImage[] = [];
    let total = 0;
    for (const { entry, name, label } of labelEntries(candidates, skipped)) {
      const read = await inflate(zipfile, entry, name, limits, total, skipped);
      if (read === undefined) continue;
      total += read.bytes.byteLength;
      images.push({ label, name, format: read.format, bytes: read.bytes });
    }
    if (images.length === 0)
      throw new InvalidDatasetError('The archive holds no PNG or JPEG images inside class folders.', {
        skipped: skipped.slice(0, 20),
      });
    return { images, labels: [...new Set(images.map((i) => i.label))].sort(), skipped };
  } finally {
    zipfile.close();
  }
}

interface Candidate {
  entry: yauzl.Entry;
  name: string;
  segments: string[];
}

/** Walks the central directory, keeping safe names of image files; everything else is reported. */
async function listImageEntries(
  zipfile: yauzl.ZipFile,
  limits: ArchiveLimits,
  skipped: ImageArchive['skipped'],
): Promise<Candidate[]> {
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zipfile.on('entry', (entry: yauzl.Entry) => {
      // entryCount comes from a header; count what is really there too.
      if (entries.length >= limits.maxEntries) {
        reject(
          new ArchiveLimitError(
            'maxEntries',
            limits.maxEntries,
            `The archive has more than ${limits.maxEntries} entries.`,
          ),
        );
        return;
      }
      entries.push(entry);
      zipfile.readEntry();
    });
    zipfile.once('end', () => resolve());
    zipfile.once('error', (error: Error) =>
      reject(new InvalidDatasetError(`The ZIP archive is corrupt: ${error.message}`)),
    );
    zipfile.readEntry();
  });
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    const raw = entry.fileName as unknown as Buffer;
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
    if (name.endsWith('/')) continue; // a folder
    const unsafe =
      yauzl.validateFileName(name) ??
      (hasControlCharacter(name) || name.split('/').some((s) => s === '' || s === '.') ? 'unsafe file name' : null);
    if (unsafe !== null) skipped.push({ name, reason: `unsafe entry name (${unsafe.split(':')[0]})` });
    else if (NOISE.test(name)) skipped.push({ name, reason: 'archiver metadata' });
    else if (!IMAGE_EXTENSION.test(name)) skipped.push({ name, reason: 'not a .png, .jpg or .jpeg file' });
    else if (entry.isEncrypted()) skipped.push({ name, reason: 'encrypted entry' });
    else candidates.push({ entry, name, segments: name.split('/') });
  }
  return candidates;
}

/** Label = first folder, after dropping a root folder shared by every image. */
function labelEntries(
  candidates: Candidate[],
  skipped: ImageArchive['skipped'],
): { entry: yauzl.Entry; name: string; label: string }[] {
  const root = candidates[0]?.segments[0];
  const underOneRoot =
    candidates.length > 0 && candidates.every((c) => c.segments.length >= 3 && c.segments[0] === root);
  const out: { entry: yauzl.Entry; name: string; label: string }[] = [];
  for (const c of candidates) {
    const segments = underOneRoot ? c.segments.slice(1) : c.segments;
    const label = segments[0]?.normalize('NFC').trim() ?? '';
    if (segments.length < 2 || label === '') skipped.push({ name: c.name, reason: 'not inside a class folder' });
    else out.push({ entry: c.entry, name: c.name, label });
  }
  return out;
}

// JPEG frame headers may follow large metadata segments (EXIF, ICC profiles); an entry whose
// first bytes hold no dimensions is not an image worth reading on.
const MAX_HEADER_BYTES = 1 << 20;

/**
 * Inflates one image entry, counting bytes as they arrive and checking its header as soon as
 * it has arrived; undefined (and reported) if unreadable, not an image, or too many pixels.
 */
async function inflate(
  zipfile: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: string,
  limits: ArchiveLimits,
  totalSoFar: number,
  skipped: ImageArchive['skipped'],
): Promise<{ bytes: Uint8Array; format: ImageFormat } | undefined> {
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw new ArchiveLimitError(
      'maxEntryBytes',
      limits.maxEntryBytes,
      `The entry '${name}' declares ${entry.uncompressedSize} bytes; ` +
        `at most ${limits.maxEntryBytes} per entry are accepted.`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let format: ImageFormat | undefined;
  let stream: NodeJS.ReadableStream & { destroy(): void };
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    skipped.push({ name, reason: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).byteLength;
      chunks.push(chunk as Buffer);
      if (size > limits.maxEntryBytes)
        throw new ArchiveLimitError(
          'maxEntryBytes',
          limits.maxEntryBytes,
          `The entry '${name}' inflates past ${limits.maxEntryBytes} bytes.`,
        );
      if (totalSoFar + size > limits.maxTotalBytes)
        throw new ArchiveLimitError(
          'maxTotalBytes',
          limits.maxTotalBytes,
          `The archive inflates past ${limits.maxTotalBytes} bytes.`,
        );
      if (size > limits.maxCompressionRatio * Math.max(entry.compressedSize, 1)) {
        throw new ArchiveLimitError(
          'maxCompressionRatio',
          limits.maxCompressionRatio,
          `The entry '${name}' inflates more than ${limits.maxCompressionRatio} times its compressed size.`,
        );
      }
      if (format === undefined) {
        const verdict = judgeHeader(Buffer.concat(chunks, size), false, limits);
        if (typeof verdict === 'string') {
          stream.destroy();
          skipped.push({ name, reason: verdict });
          return undefined;
        }
        format = verdict?.format;
      }
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof ArchiveLimitError) throw error;
    // Corrupt deflate data, or more/fewer bytes than the header declares (yauzl checks it).
    skipped.push({ name, reason: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
  const bytes = Buffer.concat(chunks, size);
  if (format === undefined) {
    const verdict = judgeHeader(bytes, true, limits);
    if (typeof verdict === 'string' || verdict === undefined) {
      skipped.push({ name, reason: verdict ?? 'content is not PNG or JPEG' });
      return undefined;
    }
    format = verdict.format;
  }
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), format };
}

/**
 * An entry's header so far: its format when acceptable, the reason to skip it, or undefined
 * while more bytes are needed (`complete`: there are no more).
 */
function judgeHeader(
  bytes: Uint8Array,
  complete: boolean,
  limits: ArchiveLimits,
): { format: ImageFormat } | string | undefined {
  const header = readImageHeader(bytes);
  if (header.kind === 'incomplete') {
    if (complete)
      return bytes.length === 0 ? 'content is not PNG or JPEG' : 'the image is truncated before its dimensions';
    return bytes.length > MAX_HEADER_BYTES ? `no image dimensions in the first ${MAX_HEADER_BYTES} bytes` : undefined;
  }
  if (header.kind === 'invalid') return header.reason;
  if (header.width * header.height > limits.maxImagePixels)
    return `the image is ${header.width}x${header.height}; at most ${limits.maxImagePixels} pixels are accepted`;
  return { format: header.format };
}

function hasControlCharacter(name: string): boolean {
  for (const ch of name) if (ch.charCodeAt(0) < 0x20 || ch === '\u007f') return true;
  return false;
}
