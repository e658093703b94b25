import { describe, expect, it } from 'vitest';

import { CharTokenizer, END_OF_TEXT, charTokenizerOf } from './char-tokenizer.js';
import { resolveCorpus } from './resolve-corpus.js';
import { thrown } from './test-support/temp.js';
import { TokenizerError } from './tokenizer-error.js';

describe('CharTokenizer', () => {
  it('takes the sorted unique code points of the text, no end-of-text for one document', () => {
    const tokenizer = CharTokenizer.train(['hello\nworld 🙂 é']);
    expect(tokenizer.vocabulary).toEqual(['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w', 'é', '🙂']);
    expect(tokenizer.vocabularySize).toBe(11);
    expect(tokenizer.endOfTextId).toBeNull();
    expect(tokenizer.digitTokenIds).toBeNull();
    const ids = tokenizer.encode('hole 🙂\n');
    expect([...ids]).toEqual([4, 6, 5, 3, 1, 10, 0]);
    expect(tokenizer.decode(ids)).toBe('hole 🙂\n');
  });

  it('adds an end-of-text token (last id, decodes as a newline) when there are several documents', () => {
    const tokenizer = CharTokenizer.train(['ab', 'ba c']);
    expect(tokenizer.vocabulary).toEqual([' ', 'a', 'b', 'c', END_OF_TEXT]);
    expect(tokenizer.endOfTextId).toBe(4);
    expect(tokenizer.decode([1, 4, 2])).toBe('a\nb');
  });

  it('lists the ten digit ids when every digit is present', () => {
    const tokenizer = charTokenizerOf('9876543210+ ');
    expect(tokenizer.vocabulary.slice(0, 3)).toEqual([' ', '+', '0']);
    expect(tokenizer.digitTokenIds).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('names an unknown character, escaped, with its line and column', () => {
    const tokenizer = CharTokenizer.train(['abc\n']);
    const error = thrown(() => tokenizer.encode('ab\nc\tb'));
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.message).toContain('"\\t" (U+0009) at line 2, column 2');
    expect(thrown(() => tokenizer.encode('a😀')).message).toContain('(U+1F600) at line 1, column 2');
  });

  it('names an id out of range and its index', () => {
    const error = thrown(() => CharTokenizer.train(['ab']).decode([0, 7]));
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.message).toContain('token id 7 at index 1');
  });

  it('refuses an empty training text and a repeated character', () => {
    expect(thrown(() => CharTokenizer.train([''])).message).toContain('empty');
    expect(thrown(() => new CharTokenizer(['a', 'a'], false)).message).toContain('appears twice');
  });

  it('gives TinyShakespeare the 65-character vocabulary of nanoGPT and round-trips it', async () => {
    const corpus = await resolveCorpus('tinyshakespeare');
    const text = corpus.documents[0] ?? '';
    const tokenizer = CharTokenizer.train(corpus.documents);
    expect(tokenizer.vocabularySize).toBe(65);
    expect(tokenizer.vocabulary.join('')).toBe("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    expect(tokenizer.endOfTextId).toBeNull();
    expect(tokenizer.digitTokenIds).toBeNull();
    const ids = tokenizer.encode(text);
    expect(ids.length).toBe(1_115_394);
    expect(tokenizer.decode(ids)).toBe(text);
  });
});
