import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { TextVectorizer } from './text-vectorizer.ts';

describe('TextVectorizer', () => {
  const corpus = ['The cat sat on the mat.', 'The dog ate the cat!', 'A bird, the end.'];

  it('lowercases and splits on anything but letters and digits, in any script', () => {
    const v = TextVectorizer.fit([]);
    expect(v.tokenize("Ünïcode café—naïve l'été 2024 ﬁne ＦＵＬＬ 東京 Δx")).toEqual([
      'ünïcode',
      'café',
      'naïve',
      'l',
      'été',
      '2024',
      'fine',
      'full',
      '東京',
      'δx',
    ]);
    expect(TextVectorizer.fit([], { lowercase: false }).tokenize('Hello World')).toEqual(['Hello', 'World']);
  });

  it('orders the vocabulary by frequency and caps it at maxTokens (padding and OOV included)', () => {
    const v = TextVectorizer.fit(corpus, { maxTokens: 5 });
    expect(v.vocabulary).toEqual(['the', 'cat', 'a']);
    expect(v.vocabSize).toBe(5);
    expect(v.tokenId('the')).toBe(2);
    expect(v.tokenId('zebra')).toBe(1);
    expect(TextVectorizer.fit(corpus, { minCount: 2 }).vocabulary).toEqual(['the', 'cat']);
  });

  it('pads and truncates to maxLength at the configured ends', () => {
    const post = TextVectorizer.fit(corpus, { maxLength: 4 });
    const the = post.tokenId('the');
    const cat = post.tokenId('cat');
    expect(post.encode('the cat')).toEqual([the, cat, 0, 0]);
    expect(post.encode('the cat the cat the')).toEqual([the, cat, the, cat]);
    const pre = TextVectorizer.fit(corpus, { maxLength: 4, padding: 'pre', truncation: 'pre' });
    expect(pre.encode('the cat')).toEqual([0, 0, the, cat]);
    expect(pre.encode('cat the cat the cat')).toEqual([the, cat, the, cat]);
    expect(post.encode('')).toEqual([0, 0, 0, 0]);
    expect(post.encodeBatch(['cat', 'the'])).toEqual([
      [cat, 0, 0, 0],
      [the, 0, 0, 0],
    ]);
  });

  it('hashes unknown tokens into stable OOV buckets', () => {
    const v = TextVectorizer.fit(corpus, { oovBuckets: 8 });
    const ids = ['zebra', 'yak', 'xylophone', 'walrus', 'vole'].map((t) => v.tokenId(t));
    for (const id of ids) expect(id >= 1 && id <= 8).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(1);
    expect(TextVectorizer.fromJSON(JSON.parse(JSON.stringify(v))).tokenId('zebra')).toBe(ids[0]);
  });

  it('round-trips through JSON and encodes identically after loading', () => {
    const v = TextVectorizer.fit(corpus, { maxTokens: 50, maxLength: 6, oovBuckets: 2 });
    const restored = TextVectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(restored.toJSON()).toEqual(v.toJSON());
    expect(restored.encode('The bird ate a mouse')).toEqual(v.encode('The bird ate a mouse'));
  });

  it('rejects malformed states and impossible configs', () => {
    const good = TextVectorizer.fit(corpus).toJSON();
    expect(() => TextVectorizer.fromJSON({ ...good, vocabulary: ['a', 'a'] })).toThrow(/duplicates/);
    expect(() => TextVectorizer.fromJSON({ ...good, version: 2 })).toThrow(ValidationError);
    expect(() => TextVectorizer.fromJSON({ ...good, config: { ...good.config, extra: true } })).toThrow(
      ValidationError,
    );
    expect(() => TextVectorizer.fit(corpus, { maxTokens: 3, oovBuckets: 2 })).toThrow(/no room/);
    expect(() => TextVectorizer.fit(corpus, { maxLength: 0 })).toThrow();
  });
});
