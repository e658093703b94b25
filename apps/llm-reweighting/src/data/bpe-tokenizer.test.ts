import { describe, expect, it } from 'vitest';

import { BpeTokenizer, PRE_TOKENIZE } from './bpe-tokenizer.js';
import { END_OF_TEXT } from './char-tokenizer.js';
import { resolveCorpus } from './resolve-corpus.js';
import { thrown } from './test-support/temp.js';
import { TokenizerError } from './tokenizer-error.js';

const DIGIT_TEXTS = new Set('0123456789');

describe('BpeTokenizer', () => {
  it('learns the most frequent pair first and builds the vocabulary from bytes and merges', () => {
    const tokenizer = BpeTokenizer.train(['aaab aaab aaab'], { vocabularySize: 259 });
    expect(tokenizer.vocabularySize).toBe(259);
    expect(tokenizer.vocabulary[0x61]).toBe('a');
    // (a,a) occurs 6 times; then (aa,a) and (a,b) tie at 3 and the smaller pair of ids, (97, 98), goes first.
    expect(tokenizer.toFile().merges).toEqual(['a a', 'a b', 'aa ab']);
    expect(tokenizer.endOfTextId).toBeNull();
    expect(tokenizer.decode(tokenizer.encode('aaab aaab'))).toBe('aaab aaab');
  });

  it('pre-tokenises digits one by one and never merges them', () => {
    expect([...'x = 12345 + 6'.matchAll(PRE_TOKENIZE)].map((m) => m[0])).toEqual(['x', ' =', ' ', '1', '2', '3', '4', '5', ' +', ' ', '6']);
    const tokenizer = BpeTokenizer.train(['1234 1234 1234 12 12 12 abab abab'], { vocabularySize: 300 });
    expect(tokenizer.digitTokenIds).toEqual([48, 49, 50, 51, 52, 53, 54, 55, 56, 57]);
    for (const merge of tokenizer.toFile().merges ?? []) expect([...merge].some((c) => DIGIT_TEXTS.has(c))).toBe(false);
    expect([...tokenizer.encode('1234')]).toEqual([49, 50, 51, 52]);
  });

  it('stops when no pair occurs twice, and adds end-of-text last for several documents', () => {
    const tokenizer = BpeTokenizer.train(['abc', 'abd'], { vocabularySize: 1000 });
    expect(tokenizer.toFile().merges).toEqual(['a b']);
    expect(tokenizer.vocabularySize).toBe(258);
    expect(tokenizer.endOfTextId).toBe(257);
    expect(tokenizer.vocabulary[257]).toBe(END_OF_TEXT);
    expect(tokenizer.decode([0x61, 257, 256])).toBe('a\nab');
  });

  it('round-trips any text, non-ASCII and control bytes included', () => {
    const text = 'naïve café — 日本語\ttabs\r\n\u0000 emoji 🙂🙂 and 42!';
    const tokenizer = BpeTokenizer.train([text, text], { vocabularySize: 280 });
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('refuses a vocabulary size below the byte alphabet, merges of undefined ids, and ids out of range', () => {
    expect(thrown(() => BpeTokenizer.train(['a', 'b'], { vocabularySize: 256 })).message).toContain('[257,');
    const bad = thrown(() => new BpeTokenizer([[97, 300]], false));
    expect(bad).toBeInstanceOf(TokenizerError);
    expect(bad.message).toContain('BPE merge 0');
    expect(thrown(() => new BpeTokenizer([[97, 98], [97, 98]], false)).message).toContain('learnt twice');
    expect(thrown(() => new BpeTokenizer([], false).decode([256])).message).toContain('token id 256 at index 0');
  });

  it('trains TinyShakespeare to 512 tokens in seconds and round-trips the whole text exactly', async () => {
    const corpus = await resolveCorpus('tinyshakespeare');
    const text = corpus.documents[0] ?? '';
    const started = performance.now();
    const tokenizer = BpeTokenizer.train(corpus.documents, { vocabularySize: 512 });
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(tokenizer.vocabularySize).toBe(512);
    const merges = tokenizer.toFile().merges ?? [];
    expect(merges).toHaveLength(256);
    expect(merges.slice(0, 3)).toEqual(['Ġ t', 'h e', 'Ġ a']);
    for (const merge of merges) expect([...merge].some((c) => DIGIT_TEXTS.has(c))).toBe(false);
    const ids = tokenizer.encode(text);
    expect(ids.length).toBeLessThan(text.length * 0.6);
    expect(tokenizer.decode(ids)).toBe(text);
    for (let d = 0; d < 10; d += 1) expect([...tokenizer.encode(`${d}${d}${d}`)]).toEqual([48 + d, 48 + d, 48 + d]);
  });
});
