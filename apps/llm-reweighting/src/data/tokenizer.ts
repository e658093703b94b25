/** The two tokenizer kinds of the app. */
export type TokenizerKind = 'char' | 'bpe';

/** The serialised form of a tokenizer, saved as `tokenizer.json` beside every run and model (JSON data only). */
export interface TokenizerFile {
  readonly format: 'counterweight-tokenizer';
  readonly version: 1;
  readonly kind: TokenizerKind;
  /**
   * Token texts by id. `char`: one Unicode code point per token (`"\n"` stays a real newline). `bpe`: the token's
   * bytes in the byte-to-printable-character mapping of GPT-2's byte-level BPE (so merges are inspectable text).
   */
  readonly vocabulary: readonly string[];
  /** `bpe` only: the merges in the order they were learnt, each `"left right"` in the printable byte mapping. */
  readonly merges?: readonly string[];
  /** The id of the end-of-text token that separates documents, or null when the corpus was one document. */
  readonly endOfTextId: number | null;
}

/**
 * Turns text into token ids and back. Both kinds split numbers into single digits: every digit `0`–`9` is a token
 * of its own and never part of a merge, so `digitTokenIds` holds ten ids whenever the training text had all ten digits.
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Number of token ids, the end-of-text token included (the model's output width). */
  readonly vocabularySize: number;
  /** Token texts by id (see {@link TokenizerFile.vocabulary}). */
  readonly vocabulary: readonly string[];
  readonly endOfTextId: number | null;
  /** `digitTokenIds[d]` = the id of the digit `d` (length 10), or null when the vocabulary lacks a digit. */
  readonly digitTokenIds: readonly number[] | null;
  /**
   * Token ids of `text`. @throws TokenizerError naming the character and its position (line, column) when `text`
   * holds a character the vocabulary cannot express (char-level only; byte-level BPE expresses every byte).
   */
  encode(text: string): Int32Array;
  /** The text of `ids` (the end-of-text token decodes as `"\n"`). @throws TokenizerError naming an id out of range. */
  decode(ids: ArrayLike<number>): string;
  /** The serialised form (`tokenizer.json`). */
  toFile(): TokenizerFile;
}
