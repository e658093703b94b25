import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { TokenizerError, sampleWindows } from '../data/index.js';
import type { TokenCorpus, TokenWindows } from '../data/token-windows.js';
import type { Tokenizer } from '../data/tokenizer.js';
import { loadTokenCorpus, type LoadedCorpus } from './load-corpus.js';
import type { LmSettings } from './settings.js';

/** What every run of a comparison shares, loaded once per thread: the tokenised corpus and the validation windows. */
export interface LmData {
  readonly tokenizer: Tokenizer;
  readonly corpus: TokenCorpus;
  /** Fixed random validation windows of every estimate (seeded by the settings only, the same for every run). */
  readonly validation: TokenWindows;
  /** Characters (char tokenizer) or UTF-8 bytes (BPE) per validation token: bits per character/byte = bits per token ÷ this. */
  readonly unitsPerToken: number;
  /** `character` for the char tokenizer, `byte` for BPE. */
  readonly unit: 'character' | 'byte';
  readonly loaded: LoadedCorpus;
}

/** The seed of the validation windows: a property of the data, not of a run. */
export const VALIDATION_SEED = 1337;

/**
 * Checks, before any run starts, what would otherwise fail after training: each split must hold one window
 * (`context + 1` tokens), and the sample prompt must be written in the tokenizer's vocabulary.
 * @throws ConfigError naming `--context` (with the corpus, the split and both numbers) or `--prompt` (with the
 *   character the vocabulary lacks and its line and column).
 */
function checkUsable(settings: LmSettings, loaded: LoadedCorpus): void {
  const { corpus, tokenizer } = loaded;
  const needed = settings.model.context + 1;
  for (const [split, stream] of [['validation', corpus.validation], ['training', corpus.train]] as const) {
    if (stream.length < needed) {
      throw new ConfigError('--context', `${corpus.source}: the ${split} split has ${stream.length} tokens, fewer than context + 1 = ${needed} needed for one window (use a longer corpus or a smaller --context)`);
    }
  }
  if (settings.samples.tokens > 0) {
    try {
      tokenizer.encode(settings.samples.prompt);
    } catch (error) {
      if (error instanceof TokenizerError) throw new ConfigError('--prompt', `the ${tokenizer.kind} vocabulary of ${corpus.source} cannot write it: ${error.message}`);
      throw error;
    }
  }
}

/**
 * Reads and tokenises the corpus of the settings (the tokenizer is built on the corpus: the characters of the whole
 * text, as nanoGPT's prepare.py; BPE merges learnt on the training part), splits it and draws the validation windows.
 * @throws DataFileError / TokenizerError of the data layer; ConfigError when a split is shorter than the context or
 *   the sample prompt holds a character the vocabulary lacks (both before any training).
 */
export async function prepareData(settings: LmSettings): Promise<LmData> {
  const loaded = await loadTokenCorpus(settings.corpus);
  checkUsable(settings, loaded);
  const { corpus, tokenizer } = loaded;
  const validation = sampleWindows(corpus.validation, {
    count: settings.training.evalWindows,
    context: settings.model.context,
    random: SeededRandom.fromSeed(VALIDATION_SEED, 'validation-windows'),
    split: 'validation',
  });
  const unit = tokenizer.kind === 'char' ? 'character' : 'byte';
  const units = unit === 'character' ? loaded.validationCharacters : loaded.validationBytes;
  return { tokenizer, corpus, validation, unitsPerToken: units / corpus.validation.length, unit, loaded };
}
