import { ConfigError } from '@counterweight/runtime';

import type { Corpus } from './read-corpus.js';
import type { TokenCorpus } from './token-windows.js';
import type { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

export interface TokenizeCorpusOptions {
  /** Share of the token stream that trains (the first part); the rest validates. Default 0.9, in (0, 1). */
  readonly trainFraction?: number;
}

/**
 * Turns a corpus into one token stream and splits it as nanoGPT's `prepare.py` does (Karpathy, 2022): the documents
 * are encoded in order and joined by the end-of-text token (when there is more than one), then the first
 * `⌊n · trainFraction⌋` tokens train and the remaining tokens validate. TinyShakespeare with the char tokenizer gives
 * 1,003,854 training and 111,540 validation tokens.
 * @throws ConfigError naming `trainFraction` outside (0, 1), or `tokenizer` when a corpus of several documents meets a
 *   tokenizer without an end-of-text token, or when either split would be empty.
 * @throws TokenizerError naming the corpus source and document when a document holds a character the tokenizer cannot
 *   express (the message carries the line and column).
 */
export function tokenizeCorpus(corpus: Corpus, tokenizer: Tokenizer, options: TokenizeCorpusOptions = {}): TokenCorpus {
  const trainFraction = options.trainFraction ?? 0.9;
  if (!(trainFraction > 0 && trainFraction < 1)) throw new ConfigError('trainFraction', `must be in (0, 1), got ${trainFraction}`);
  const separator = tokenizer.endOfTextId;
  if (corpus.documents.length > 1 && separator === null) {
    throw new ConfigError('tokenizer', `${corpus.source} has ${corpus.documents.length} documents but the ${tokenizer.kind} tokenizer has no end-of-text token to separate them`);
  }
  const encoded = corpus.documents.map((document, index) => {
    try {
      return tokenizer.encode(document);
    } catch (error) {
      if (error instanceof TokenizerError) {
        throw new TokenizerError(`${corpus.source}, document ${index + 1} of ${corpus.documents.length}: ${error.message}`);
      }
      throw error;
    }
  });
  const total = encoded.reduce((sum, ids) => sum + ids.length, 0) + encoded.length - 1;
  const stream = new Int32Array(total);
  let offset = 0;
  encoded.forEach((ids, index) => {
    if (index > 0) stream[offset++] = separator ?? 0;
    stream.set(ids, offset);
    offset += ids.length;
  });
  const trainLength = Math.floor(total * trainFraction);
  if (trainLength === 0 || trainLength === total) {
    throw new ConfigError('trainFraction', `${trainFraction} of ${total} tokens leaves an empty ${trainLength === 0 ? 'training' : 'validation'} split`);
  }
  return {
    source: corpus.source,
    documents: corpus.documents.length,
    characters: corpus.characters,
    bytes: corpus.bytes,
    train: stream.slice(0, trainLength),
    validation: stream.slice(trainLength),
  };
}
