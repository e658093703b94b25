import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BpeTokenizer } from './bpe-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { rejection, removeTempDirs, tempDir, thrown } from './test-support/temp.js';
import type { TokenizerFile } from './tokenizer.js';
import { TOKENIZER_FILE_NAME, loadTokenizer, saveTokenizer, tokenizerFromFile } from './tokenizer-file.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('tok');
});
afterAll(removeTempDirs);

const TEXTS = ['the cat sat on the mat 12', 'the dog sat on the log 34'];

function invalid(value: unknown): DataFileError {
  const error = thrown(() => tokenizerFromFile(value, 'tok.json'));
  expect(error).toBeInstanceOf(DataFileError);
  expect(error.message).toContain('tok.json');
  return error as DataFileError;
}

describe('tokenizer file', () => {
  it('saves and loads a char tokenizer that encodes the same', async () => {
    const tokenizer = CharTokenizer.train(TEXTS);
    const path = join(dir, TOKENIZER_FILE_NAME);
    await saveTokenizer(path, tokenizer);
    const loaded = await loadTokenizer(path);
    expect(loaded.toFile()).toEqual(tokenizer.toFile());
    expect(loaded.kind).toBe('char');
    expect([...loaded.encode(TEXTS[1] ?? '')]).toEqual([...tokenizer.encode(TEXTS[1] ?? '')]);
  });

  it('saves and loads a BPE tokenizer with its merges', async () => {
    const tokenizer = BpeTokenizer.train(TEXTS, { vocabularySize: 262 });
    const path = join(dir, 'bpe.json');
    await saveTokenizer(path, tokenizer);
    const loaded = await loadTokenizer(path);
    expect(loaded.toFile()).toEqual(tokenizer.toFile());
    expect(loaded.vocabularySize).toBe(262);
    expect(loaded.endOfTextId).toBe(261);
    expect([...loaded.encode('the cat on the log')]).toEqual([...tokenizer.encode('the cat on the log')]);
  });

  it('names the field that is wrong', () => {
    const good: TokenizerFile = CharTokenizer.train(TEXTS).toFile();
    expect(invalid([]).column).toBe('tokenizer');
    expect(invalid({ ...good, format: 'x' }).column).toBe('format');
    expect(invalid({ ...good, version: 2 }).column).toBe('version');
    expect(invalid({ ...good, kind: 'wordpiece' }).column).toBe('kind');
    expect(invalid({ ...good, vocabulary: [] }).column).toBe('vocabulary');
    expect(invalid({ ...good, vocabulary: ['a', 3] }).column).toBe('vocabulary[1]');
    expect(invalid({ ...good, vocabulary: ['a', 'a'] }).column).toBe('vocabulary[1]');
    expect(invalid({ ...good, vocabulary: ['a', 'bc', '<|endoftext|>'], endOfTextId: 2 }).column).toBe('vocabulary[1]');
    expect(invalid({ ...good, endOfTextId: 0 }).column).toBe('endOfTextId');
    expect(invalid({ ...good, endOfTextId: undefined }).column).toBe('endOfTextId');
    expect(invalid({ ...good, merges: [] }).column).toBe('merges');
  });

  it('names a BPE merge or vocabulary entry that does not fit', () => {
    const good = BpeTokenizer.train(TEXTS, { vocabularySize: 262 }).toFile();
    const merges = [...(good.merges ?? [])];
    expect(invalid({ ...good, merges: undefined }).column).toBe('merges');
    expect(invalid({ ...good, merges: ['a b c', ...merges.slice(1)] }).column).toBe('merges[0]');
    expect(invalid({ ...good, merges: [...merges.slice(0, 2), 'zz q', ...merges.slice(3)] }).column).toBe('merges[2]');
    expect(invalid({ ...good, merges: merges.slice(0, -1) }).column).toBe('vocabulary');
    const swapped = [...good.vocabulary];
    [swapped[256], swapped[257]] = [swapped[257] ?? '', swapped[256] ?? ''];
    expect(invalid({ ...good, vocabulary: swapped }).column).toMatch(/^(vocabulary\[25[67]\]|merges)$/);
    const bytes = [...good.vocabulary];
    bytes[65] = 'x';
    expect(invalid({ ...good, vocabulary: bytes }).column).toMatch(/^vocabulary\[(65|120)\]$/);
  });

  it('names a missing or non-JSON file', async () => {
    const missing = await rejection(loadTokenizer(join(dir, 'none.json')));
    expect(missing.message).toContain('none.json: tokenizer file not found');
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"format":');
    expect((await rejection(loadTokenizer(path))).message).toContain('broken.json: not valid JSON');
  });
});
