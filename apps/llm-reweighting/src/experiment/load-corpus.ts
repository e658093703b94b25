import { Buffer } from 'node:buffer';

import { REFERENCE_CORPORA, readCorpus, resolveCorpus, tokenizeCorpus, trainTokenizer, type Corpus, type CorpusFormat } from '../data/index.js';
import type { TokenCorpus } from '../data/token-windows.js';
import type { Tokenizer } from '../data/tokenizer.js';
import type { CorpusSettings } from './settings.js';

/** A corpus read, tokenised and split, with the text sizes of its validation part. */
export interface LoadedCorpus {
  readonly corpus: TokenCorpus;
  readonly tokenizer: Tokenizer;
  /** Characters and UTF-8 bytes of the validation tokens' text (for bits per character / byte). */
  readonly validationCharacters: number;
  readonly validationBytes: number;
  /** What the report should say about how the tokenizer was built. */
  readonly note?: string;
}

/**
 * The leading `fraction` of the corpus text, by characters: whole documents while they fit, then the head of the
 * next one. BPE merges are learnt from it, so the validation text does not shape the vocabulary.
 */
export function leadingText(corpus: Corpus, fraction: number): string[] {
  const budget = Math.floor(corpus.characters * fraction);
  const kept: string[] = [];
  let used = 0;
  for (const document of corpus.documents) {
    const length = [...document].length;
    if (used + length <= budget) {
      kept.push(document);
      used += length;
      continue;
    }
    const head = [...document].slice(0, budget - used).join('');
    if (head.length > 0) kept.push(head);
    break;
  }
  return kept;
}

/** The corpus format a file name implies when `--format` is not given: `jsonl` for `*.jsonl` and `*.jsonl.gz`, else `text`. */
export function formatFromName(path: string): CorpusFormat {
  return /\.jsonl(\.gz)?$/i.test(path) ? 'jsonl' : 'text';
}

/**
 * Reads the corpus of the settings (a reference corpus by name, or a file — JSON lines when `format` says so or,
 * without it, when the name ends in `.jsonl` / `.jsonl.gz`), builds the tokenizer (`char`: every
 * character of the whole text, as nanoGPT's prepare.py; `bpe`: merges learnt on the leading training share of the
 * text) and tokenises and splits it (first `trainFraction` of the tokens train).
 * @throws DataFileError / TokenizerError / ConfigError of the data layer, naming the file and line.
 */
export async function loadTokenCorpus(settings: CorpusSettings): Promise<LoadedCorpus> {
  const source = settings.source;
  const corpus = (REFERENCE_CORPORA as readonly string[]).includes(source)
    ? await resolveCorpus(source)
    : await readCorpus(source, { format: settings.format ?? formatFromName(source), ...(settings.field === undefined ? {} : { field: settings.field }) });
  const tokenizer =
    settings.tokenizer === 'char'
      ? trainTokenizer(corpus.documents, { kind: 'char' })
      : trainTokenizer(leadingText(corpus, settings.trainFraction), { kind: 'bpe', vocabularySize: settings.bpeVocabulary });
  const tokens = tokenizeCorpus(corpus, tokenizer, { trainFraction: settings.trainFraction });
  const text = tokenizer.decode(tokens.validation);
  return {
    corpus: tokens,
    tokenizer,
    validationCharacters: [...text].length,
    validationBytes: Buffer.byteLength(text, 'utf8'),
    ...(settings.tokenizer === 'bpe' ? { note: `BPE merges learnt on the first ${Math.round(100 * settings.trainFraction)} % of the text (the validation text does not shape the vocabulary).` } : {}),
  };
}
