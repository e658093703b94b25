import { readFile, stat } from 'node:fs/promises';

import { DataFileError, parseJsonBytes, writeJsonAtomic } from '@counterweight/runtime';

import { BYTE_TO_CHARACTER } from './byte-level.js';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer, END_OF_TEXT } from './char-tokenizer.js';
import type { Tokenizer, TokenizerFile } from './tokenizer.js';

/** The file name a tokenizer is saved under beside a run or a model. */
export const TOKENIZER_FILE_NAME = 'tokenizer.json';

/** A field's value as a message shows it; a missing field reads "nothing (the field is missing)", never "undefined". */
function shown(value: unknown): string {
  return value === undefined ? 'nothing (the field is missing)' : JSON.stringify(value);
}

function fail(file: string, field: string, message: string): never {
  throw new DataFileError({ file, column: field }, message);
}

/**
 * Checks that `value` (parsed JSON) is a valid {@link TokenizerFile} and builds its tokenizer. Checks: `format` is
 * `counterweight-tokenizer`, `version` 1, `kind` `char` or `bpe`, `vocabulary` a non-empty array of distinct strings,
 * `endOfTextId` null or the last id (whose text is `<|endoftext|>`); `char`: every other entry one code point, no
 * `merges`; `bpe`: ids 0–255 are the 256 byte characters, every merge is `"left right"` of earlier tokens, and the
 * vocabulary is exactly what the merges build.
 * @throws DataFileError naming `file` and the field (e.g. `vocabulary[70]`, `merges[3]`) that is wrong.
 */
export function tokenizerFromFile(value: unknown, file: string): Tokenizer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, 'tokenizer', 'expected a JSON object');
  const record = value as Record<string, unknown>;
  if (record.format !== 'counterweight-tokenizer') fail(file, 'format', `must be "counterweight-tokenizer", got ${shown(record.format)}`);
  if (record.version !== 1) fail(file, 'version', `must be 1, got ${shown(record.version)}`);
  const kind = record.kind;
  if (kind !== 'char' && kind !== 'bpe') fail(file, 'kind', `must be "char" or "bpe", got ${shown(kind)}`);
  const vocabulary = record.vocabulary;
  if (!Array.isArray(vocabulary) || vocabulary.length === 0) fail(file, 'vocabulary', 'must be a non-empty array of token texts');
  const seen = new Set<string>();
  vocabulary.forEach((text: unknown, id) => {
    if (typeof text !== 'string') fail(file, `vocabulary[${id}]`, `must be a string, got ${JSON.stringify(text)}`);
    if (seen.has(text)) fail(file, `vocabulary[${id}]`, `${JSON.stringify(text)} appears twice`);
    seen.add(text);
  });
  const texts = vocabulary as string[];
  const endOfTextId = record.endOfTextId;
  if (endOfTextId !== null) {
    if (endOfTextId !== texts.length - 1) fail(file, 'endOfTextId', `must be null or the last id ${texts.length - 1}, got ${shown(endOfTextId)}`);
    if (texts[endOfTextId] !== END_OF_TEXT) fail(file, `vocabulary[${endOfTextId}]`, `the end-of-text token must read ${JSON.stringify(END_OF_TEXT)}`);
  }
  const endOfText = endOfTextId !== null;
  const regular = endOfText ? texts.slice(0, -1) : texts;

  if (kind === 'char') {
    if (record.merges !== undefined) fail(file, 'merges', 'a char tokenizer has no merges');
    regular.forEach((text, id) => {
      if ([...text].length !== 1) fail(file, `vocabulary[${id}]`, `a char token must be one character, got ${JSON.stringify(text)}`);
    });
    return new CharTokenizer(regular, endOfText);
  }

  const merges = record.merges;
  if (!Array.isArray(merges)) fail(file, 'merges', 'a bpe tokenizer needs an array of merges ("left right")');
  BYTE_TO_CHARACTER.forEach((character, byte) => {
    if (regular[byte] !== character) fail(file, `vocabulary[${byte}]`, `ids 0-255 must be the byte characters; expected ${JSON.stringify(character)} for byte ${byte}, got ${regular[byte] === undefined ? 'no token (the vocabulary is shorter)' : JSON.stringify(regular[byte])}`);
  });
  const idOf = new Map(regular.map((text, id) => [text, id]));
  const pairs = merges.map((merge: unknown, index): [number, number] => {
    const parts = typeof merge === 'string' ? merge.split(' ') : [];
    if (parts.length !== 2) fail(file, `merges[${index}]`, `must be "left right" (two token texts and one space), got ${JSON.stringify(merge)}`);
    const [left, right] = parts.map((part) => idOf.get(part ?? ''));
    if (left === undefined || right === undefined) fail(file, `merges[${index}]`, `${JSON.stringify(merge)} names a token that is not in the vocabulary`);
    return [left, right];
  });
  let tokenizer: BpeTokenizer;
  try {
    tokenizer = new BpeTokenizer(pairs, endOfText);
  } catch (error) {
    fail(file, 'merges', (error as Error).message);
  }
  if (tokenizer.vocabularySize !== texts.length) {
    fail(file, 'vocabulary', `the merges build ${tokenizer.vocabularySize} tokens but the vocabulary lists ${texts.length}`);
  }
  tokenizer.vocabulary.forEach((text, id) => {
    if (texts[id] !== text) fail(file, `vocabulary[${id}]`, `the merges build ${JSON.stringify(text)} here, the file has ${JSON.stringify(texts[id])}`);
  });
  return tokenizer;
}

/** Writes `tokenizer.toFile()` to `path` as JSON, atomically. */
export async function saveTokenizer(path: string, tokenizer: Tokenizer): Promise<void> {
  const file: TokenizerFile = tokenizer.toFile();
  await writeJsonAtomic(path, file);
}

/**
 * Reads and validates a `tokenizer.json` (see {@link tokenizerFromFile}): strict UTF-8 (a bad byte would silently
 * become U+FFFD in a token), JSON, then the fields.
 * @throws DataFileError naming the file when it is missing, a folder, empty, binary or not UTF-8 (line, column, byte
 *   offset), not JSON (line, column and what was expected), or a field is wrong (the field).
 */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  let bytes: Buffer;
  try {
    if ((await stat(path)).isDirectory()) throw new DataFileError({ file: path }, 'is a folder, expected a tokenizer.json file');
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? 'tokenizer file not found' : `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  // Empty, binary or not UTF-8 (a bad byte would silently become U+FFFD in a token), or where the JSON breaks.
  const json = parseJsonBytes(bytes, 'a tokenizer as JSON');
  if (json.problem !== undefined) throw new DataFileError({ file: path }, json.problem);
  return tokenizerFromFile(json.value, path);
}

/**
 * Checks that a tokenizer read from `file` has the vocabulary size of the model in `modelFile`: a tokenizer beside a
 * model must be the one it was trained with, or generated ids decode to the wrong text or fall outside it.
 * @throws DataFileError naming `file`, both sizes and `modelFile`.
 */
export function checkTokenizerFits(tokenizer: Tokenizer, vocabularySize: number, file: string, modelFile: string): void {
  if (tokenizer.vocabularySize !== vocabularySize) {
    throw new DataFileError(
      { file },
      `has ${tokenizer.vocabularySize} tokens but the model ${modelFile} has a vocabulary of ${vocabularySize}; it is not the tokenizer the model was trained with`,
    );
  }
}
