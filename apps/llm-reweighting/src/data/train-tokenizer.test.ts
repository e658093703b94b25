import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { thrown } from './test-support/temp.js';
import { trainTokenizer } from './train-tokenizer.js';

const TEXTS = ['the cat sat', 'the cat sat on the mat'];

describe('trainTokenizer', () => {
  it('trains the asked kind', () => {
    expect(trainTokenizer(TEXTS, { kind: 'char' }).vocabularySize).toBe(11); // 10 characters + end-of-text
    const bpe = trainTokenizer(TEXTS, { kind: 'bpe', vocabularySize: 259 });
    expect([bpe.kind, bpe.vocabularySize]).toEqual(['bpe', 259]);
  });

  it('refuses a missing or needless size and an unknown kind', () => {
    expect(thrown(() => trainTokenizer(TEXTS, { kind: 'bpe' }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => trainTokenizer(TEXTS, { kind: 'char', vocabularySize: 300 })).message).toContain('vocabularySize');
    expect(thrown(() => trainTokenizer(TEXTS, { kind: 'word' as 'char' })).message).toContain('kind');
  });
});
