import { ConfigError } from '@counterweight/runtime';

import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import type { Tokenizer, TokenizerKind } from './tokenizer.js';

export interface TrainTokenizerOptions {
  readonly kind: TokenizerKind;
  /** `bpe` only (required there): the target vocabulary size, end-of-text included. */
  readonly vocabularySize?: number;
}

/**
 * A tokenizer of `kind` trained on `documents`: `char` = {@link CharTokenizer.train} (the vocabulary is the text's
 * characters; `vocabularySize` must be absent), `bpe` = {@link BpeTokenizer.train} to `vocabularySize`.
 * @throws ConfigError naming `vocabularySize` when it is missing for `bpe` or given for `char`, or `kind` when unknown.
 */
export function trainTokenizer(documents: readonly string[], options: TrainTokenizerOptions): Tokenizer {
  if (options.kind === 'char') {
    if (options.vocabularySize !== undefined) {
      throw new ConfigError('vocabularySize', 'a char tokenizer takes its vocabulary from the text; leave the size out');
    }
    return CharTokenizer.train(documents);
  }
  if (options.kind === 'bpe') {
    if (options.vocabularySize === undefined) throw new ConfigError('vocabularySize', 'a bpe tokenizer needs a target vocabulary size');
    return BpeTokenizer.train(documents, { vocabularySize: options.vocabularySize });
  }
  throw new ConfigError('kind', `must be "char" or "bpe", got ${JSON.stringify(options.kind)}`);
}
