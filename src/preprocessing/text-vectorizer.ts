/**
 * Text -> fixed-length token ids, for the embedding layer of text models. The vocabulary is
 * fitted on the training texts only and saved with the model (JSON), so prediction encodes
 * text exactly as training did. Ids: 0 = padding, 1..oovBuckets = out-of-vocabulary buckets,
 * then the vocabulary, most frequent first.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { parseSavedState } from './parse-saved-state.ts';

/** Options of a vectorizer, validated. */
export const textVectorizerConfigSchema = z
  .object({
    /** Total id space, padding and OOV buckets included (as Keras' max_tokens). */
    maxTokens: z.number().int().min(3).max(100_000).default(10_000),
    /** Every text becomes exactly this many ids. */
    maxLength: z.number().int().min(1).max(2048).default(64),
    /** Unknown tokens hash into this many ids, so distinct unknown words stay partly distinct. */
    oovBuckets: z.number().int().min(1).max(100).default(1),
    /** Tokens seen fewer times than this in training are left out of the vocabulary. */
    minCount: z.number().int().min(1).default(1),
    lowercase: z.boolean().default(true),
    /** Which end is cut when a text is too long ('post' keeps the beginning). */
    truncation: z.enum(['pre', 'post']).default('post'),
    /** Which end receives padding when a text is too short. */
    padding: z.enum(['pre', 'post']).default('post'),
  })
  .strict();

export type TextVectorizerConfig = z.output<typeof textVectorizerConfigSchema>;

const stateSchema = z
  .object({
    kind: z.literal('text-vectorizer'),
    version: z.literal(1),
    config: textVectorizerConfigSchema,
    vocabulary: z.array(z.string().min(1)),
  })
  .strict();

/** The serialised form (what `toJSON` returns and `fromJSON` accepts). */
export type TextVectorizerState = z.output<typeof stateSchema>;

// Letters, combining marks and digits of any script make up tokens; everything else splits.
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/u;

/** Fitted tokenizer + vocabulary. */
export class TextVectorizer {
  private readonly ids: Map<string, number>;

  private constructor(
    readonly config: TextVectorizerConfig,
    readonly vocabulary: readonly string[],
  ) {
    this.ids = new Map(vocabulary.map((token, i) => [token, 1 + config.oovBuckets + i]));
  }

  /** Fits the vocabulary on training texts; `options` are parsed with the config schema. */
  static fit(texts: Iterable<string>, options: z.input<typeof textVectorizerConfigSchema> = {}): TextVectorizer {
    const config = textVectorizerConfigSchema.parse(options);
    const counts = new Map<string, number>();
    for (const text of texts)
      for (const token of tokenize(text, config.lowercase)) counts.set(token, (counts.get(token) ?? 0) + 1);
    const room = config.maxTokens - 1 - config.oovBuckets;
    if (room < 1)
      throw new ValidationError(
        `maxTokens ${config.maxTokens} leaves no room for a vocabulary after padding ` +
          `and ${config.oovBuckets} OOV buckets.`,
      );
    const vocabulary = [...counts.entries()]
      .filter(([, n]) => n >= config.minCount)
      // Frequency first; ties broken by code point order so a refit gives the same ids.
      .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, room)
      .map(([token]) => token);
    return new TextVectorizer(config, vocabulary);
  }

  /** Restores a vectorizer saved with `toJSON`; throws `ValidationError` on a malformed state. */
  static fromJSON(json: unknown): TextVectorizer {
    const { config, vocabulary } = parseSavedState(stateSchema, json, 'text vectorizer');
    if (
      new Set(vocabulary).size !== vocabulary.length ||
      vocabulary.length > config.maxTokens - 1 - config.oovBuckets
    ) {
      throw new ValidationError('The text vectorizer vocabulary has duplicates or exceeds maxTokens.');
    }
    return new TextVectorizer(config, vocabulary);
  }

  toJSON(): TextVectorizerState {
    return { kind: 'text-vectorizer', version: 1, config: this.config, vocabulary: [...this.vocabulary] };
  }

  /** Size of the id space the embedding must cover (padding + OOV buckets + vocabulary). */
  get vocabSize(): number {
    return 1 + this.config.oovBuckets + this.vocabulary.length;
  }

  /** The tokens of `text`, before lookup. */
  tokenize(text: string): string[] {
    return tokenize(text, this.config.lowercase);
  }

  /** The id of one token (an OOV bucket when unknown). */
  tokenId(token: string): number {
    return this.ids.get(token) ?? 1 + (fnv1a(token) % this.config.oovBuckets);
  }

  /** `text` -> exactly `maxLength` ids, truncated and padded as configured. */
  encode(text: string): number[] {
    const { maxLength, truncation, padding } = this.config;
    let ids = this.tokenize(text).map((t) => this.tokenId(t));
    if (ids.length > maxLength)
      ids = truncation === 'post' ? ids.slice(0, maxLength) : ids.slice(ids.length - maxLength);
    const pad: number[] = new Array<number>(maxLength - ids.length).fill(0);
    return padding === 'post' ? [...ids, ...pad] : [...pad, ...ids];
  }

  /** Many texts -> a row-major `[texts.length, maxLength]` matrix of ids. */
  encodeBatch(texts: readonly string[]): number[][] {
    return texts.map((t) => this.encode(t));
  }
}

function tokenize(text: string, lowercase: boolean): string[] {
  // NFKC folds compatibility forms (ligatures, full-width letters) so they match their plain spelling.
  const normalised = text.normalize('NFKC');
  return (lowercase ? normalised.toLowerCase() : normalised).split(SEPARATORS).filter((t) => t.length > 0);
}

/** 32-bit FNV-1a: a stable hash (unlike anything seeded per process) for OOV bucketing. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}
