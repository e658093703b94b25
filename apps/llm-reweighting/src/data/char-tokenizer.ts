import type { Tokenizer, TokenizerFile } from './tokenizer.js';
import { TokenizerError, describeCharacter, linePosition } from './tokenizer-error.js';

/** Text of the end-of-text token in a char vocabulary (it is never produced by `encode`, only by joining documents). */
export const END_OF_TEXT = '<|endoftext|>';

const DIGITS = '0123456789';

/**
 * A character-level tokenizer: one token per Unicode code point of the training text, ids in code-point order, as
 * nanoGPT's `data/shakespeare_char/prepare.py` (`sorted(list(set(data)))`; Karpathy, 2022), so TinyShakespeare gives
 * exactly 65 tokens. When the corpus has more than one document an end-of-text token (text `<|endoftext|>`) is added
 * as the last id; it decodes as `"\n"`.
 */
export class CharTokenizer implements Tokenizer {
  readonly kind = 'char';
  readonly vocabulary: readonly string[];
  readonly vocabularySize: number;
  readonly endOfTextId: number | null;
  readonly digitTokenIds: readonly number[] | null;
  private readonly ids = new Map<number, number>();
  private readonly ascii = new Int32Array(128).fill(-1);
  private readonly texts: readonly string[];

  /**
   * A tokenizer over the given characters (each one code point, distinct) in id order, plus the end-of-text token
   * when `endOfText` is true. Use {@link CharTokenizer.train} to build one from text.
   * @throws TokenizerError naming a token that is not one code point or is repeated.
   */
  constructor(characters: readonly string[], endOfText: boolean) {
    characters.forEach((character, id) => {
      const code = character.codePointAt(0);
      if (code === undefined || [...character].length !== 1) {
        throw new TokenizerError(`char vocabulary: token ${id} must be one character, got ${JSON.stringify(character)}`);
      }
      if (this.ids.has(code)) throw new TokenizerError(`char vocabulary: ${describeCharacter(character)} appears twice (token ${id})`);
      this.ids.set(code, id);
      if (code < 128) this.ascii[code] = id;
    });
    this.texts = [...characters];
    this.endOfTextId = endOfText ? characters.length : null;
    this.vocabulary = endOfText ? [...characters, END_OF_TEXT] : [...characters];
    this.vocabularySize = this.vocabulary.length;
    const digits = [...DIGITS].map((digit) => this.ids.get(digit.charCodeAt(0)));
    this.digitTokenIds = digits.every((id) => id !== undefined) ? digits : null;
  }

  /**
   * The sorted unique code points of `documents` (sorted by code point, as Python sorts strings); with an end-of-text
   * token when there is more than one document.
   * @throws TokenizerError when the documents hold no character.
   */
  static train(documents: readonly string[]): CharTokenizer {
    const seen = new Set<number>();
    for (const document of documents) {
      for (let i = 0; i < document.length; i += 1) {
        const code = document.codePointAt(i) ?? 0;
        seen.add(code);
        if (code > 0xffff) i += 1;
      }
    }
    if (seen.size === 0) throw new TokenizerError('char tokenizer: the training text is empty');
    const codes = [...seen].sort((a, b) => a - b);
    return new CharTokenizer(
      codes.map((code) => String.fromCodePoint(code)),
      documents.length > 1,
    );
  }

  /** One id per code point of `text`. @throws TokenizerError naming the first unknown character and its line/column. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      let id = code < 128 ? (this.ascii[code] ?? -1) : -1;
      if (id < 0) {
        const point = text.codePointAt(i) ?? code;
        id = this.ids.get(point) ?? -1;
        if (id < 0) {
          const { line, column } = linePosition(text, i);
          throw new TokenizerError(
            `character ${describeCharacter(String.fromCodePoint(point))} at line ${line}, column ${column} is not in the ` +
              `char vocabulary (${this.texts.length} characters)`,
          );
        }
        if (point > 0xffff) i += 1;
      }
      out[n] = id;
      n += 1;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** The characters of `ids` (end-of-text as `"\n"`). @throws TokenizerError naming an id out of range and its index. */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i += 1) {
      const id = ids[i] ?? -1;
      if (id === this.endOfTextId) parts.push('\n');
      else {
        const text = Number.isInteger(id) ? this.texts[id] : undefined;
        if (text === undefined) throw new TokenizerError(`token id ${id} at index ${i} is outside the vocabulary [0, ${this.vocabularySize})`);
        parts.push(text);
      }
    }
    return parts.join('');
  }

  toFile(): TokenizerFile {
    return { format: 'counterweight-tokenizer', version: 1, kind: 'char', vocabulary: [...this.vocabulary], endOfTextId: this.endOfTextId };
  }
}

/**
 * A char tokenizer over the characters of `alphabet` (duplicates ignored, sorted by code point), e.g.
 * `charTokenizerOf(ARITHMETIC_ALPHABET)`; with an end-of-text token when `endOfText` is true (default false).
 */
export function charTokenizerOf(alphabet: string, endOfText = false): CharTokenizer {
  const codes = [...new Set([...alphabet].map((character) => character.codePointAt(0) ?? 0))].sort((a, b) => a - b);
  return new CharTokenizer(
    codes.map((code) => String.fromCodePoint(code)),
    endOfText,
  );
}
