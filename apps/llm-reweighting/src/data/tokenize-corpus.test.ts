import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer, charTokenizerOf } from './char-tokenizer.js';
import type { Corpus } from './read-corpus.js';
import { resolveCorpus } from './resolve-corpus.js';
import { thrown } from './test-support/temp.js';
import { tokenizeCorpus } from './tokenize-corpus.js';
import { TokenizerError } from './tokenizer-error.js';

const corpus = (documents: string[]): Corpus => ({ source: 'inline', documents, characters: 0, bytes: 0 });

describe('tokenizeCorpus', () => {
  it('joins documents with end-of-text and splits the first 90 % for training', () => {
    const tokenizer = CharTokenizer.train(['abcd', 'ef']);
    const tokens = tokenizeCorpus(corpus(['abcd', 'ef']), tokenizer);
    const eot = tokenizer.endOfTextId ?? -1;
    expect([...tokens.train, ...tokens.validation]).toEqual([0, 1, 2, 3, eot, 4, 5]);
    expect(tokens.train).toHaveLength(6);
    expect(tokens.documents).toBe(2);
  });

  it('honours trainFraction and refuses one outside (0, 1) or leaving a split empty', () => {
    const tokenizer = charTokenizerOf('ab');
    expect(tokenizeCorpus(corpus(['abababab ab'.replace(/ /g, '')]), tokenizer, { trainFraction: 0.5 }).train).toHaveLength(5);
    expect(thrown(() => tokenizeCorpus(corpus(['ab']), tokenizer, { trainFraction: 1 }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => tokenizeCorpus(corpus(['ab']), tokenizer, { trainFraction: 0.1 })).message).toContain('empty training split');
  });

  it('refuses several documents without an end-of-text token, and names the document of an unknown character', () => {
    expect(thrown(() => tokenizeCorpus(corpus(['a', 'b']), charTokenizerOf('ab'))).message).toContain('no end-of-text token');
    const error = thrown(() => tokenizeCorpus(corpus(['ab', 'a\nb!']), charTokenizerOf('ab\n', true)));
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.message).toContain('inline, document 2 of 2: character "!" (U+0021) at line 2, column 2');
  });

  it("reproduces nanoGPT's TinyShakespeare char split: 1,003,854 train and 111,540 validation tokens", async () => {
    const shakespeare = await resolveCorpus('tinyshakespeare');
    const tokens = tokenizeCorpus(shakespeare, CharTokenizer.train(shakespeare.documents));
    expect(tokens.train).toHaveLength(1_003_854);
    expect(tokens.validation).toHaveLength(111_540);
    expect(tokens.characters).toBe(1_115_394);
    expect(tokens.source).toBe('embedded:tinyshakespeare');
  });

  it('tokenises the 1,102 TinyStories documents with BPE, one end-of-text between each', async () => {
    const stories = await resolveCorpus('tinystories');
    const tokenizer = BpeTokenizer.train(stories.documents, { vocabularySize: 512 });
    const tokens = tokenizeCorpus(stories, tokenizer);
    const eot = tokenizer.endOfTextId ?? -1;
    const all = [...tokens.train, ...tokens.validation];
    expect(all.filter((id) => id === eot)).toHaveLength(1101);
    expect(tokens.documents).toBe(1102);
    expect(tokenizer.decode(all.slice(0, all.indexOf(eot)))).toBe(stories.documents[0]);
  });
});
