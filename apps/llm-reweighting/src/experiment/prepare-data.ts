import { SeededRandom } from '@counterweight/runtime';

import { sampleWindows } from '../data/index.js';
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
 * Reads and tokenises the corpus of the settings (the tokenizer is built on the corpus: the characters of the whole
 * text, as nanoGPT's prepare.py; BPE merges learnt on the training part), splits it and draws the validation windows.
 * @throws DataFileError / TokenizerError of the data layer; ConfigError when a split is shorter than the context.
 */
export async function prepareData(settings: LmSettings): Promise<LmData> {
  const loaded = await loadTokenCorpus(settings.corpus);
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
