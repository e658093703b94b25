import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BYTE_TO_CHARACTER } from './byte-level.js';
import { embeddedShakespeare, sharedShakespeareGzipPath, sharedStories, spliceBytes } from './test-support/real-text.js';
import { rejection, removeTempDirs, tempDir, thrown } from './test-support/temp.js';
import { TokenizerError } from './tokenizer-error.js';
import { loadTokenizer, saveTokenizer } from './tokenizer-file.js';
import type { TokenizerFile } from './tokenizer.js';
import { trainTokenizer } from './train-tokenizer.js';

// The bad-input corpus of the tokenizer file loader (`tokenizer.json` beside a model, an export, a run), made from real
// tokenizers: nanoGPT's char vocabulary of the embedded TinyShakespeare and a byte-level BPE learnt on the TinyStories
// sample, saved by the app, then cut, retyped and edited. Each case: how it is made, what the message must name.

let dir: string;
let charFile: string;
let bpeFile: string;
let charJson: TokenizerFile;
let bpeJson: TokenizerFile;
beforeAll(async () => {
  dir = await tempDir('tokenizer-reliability');
  charFile = join(dir, 'char-tokenizer.json');
  bpeFile = join(dir, 'bpe-tokenizer.json');
  await saveTokenizer(charFile, trainTokenizer([embeddedShakespeare().toString('utf8')], { kind: 'char' }));
  const stories = sharedStories().toString('utf8').slice(0, 60_000);
  await saveTokenizer(bpeFile, trainTokenizer([stories], { kind: 'bpe', vocabularySize: 320 }));
  charJson = JSON.parse(readFileSync(charFile, 'utf8')) as TokenizerFile;
  bpeJson = JSON.parse(readFileSync(bpeFile, 'utf8')) as TokenizerFile;
});
afterAll(removeTempDirs);

function write(name: string, content: Uint8Array | string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'object' && !(content instanceof Uint8Array) ? JSON.stringify(content) : content);
  return path;
}

interface TokenizerCase {
  readonly name: string;
  readonly make: () => { path: string; mentions: ReadonlyArray<string | RegExp> };
}

const TOKENIZER_CASES: readonly TokenizerCase[] = [
  {
    name: 'truncated JSON (the char tokenizer cut in half)',
    make: () => {
      const bytes = readFileSync(charFile);
      return { path: write('truncated.json', bytes.subarray(0, bytes.length >> 1)), mentions: [/not valid JSON at line \d+, column \d+: expected "," or "]" after a value, found the end of the text/] };
    },
  },
  {
    name: 'truncated JSON inside a BPE merge',
    make: () => {
      const bytes = readFileSync(bpeFile);
      const quote = bytes.indexOf('"', bytes.indexOf('[', bytes.indexOf('"merges"')));
      return { path: write('truncated-bpe.json', bytes.subarray(0, quote + 1)), mentions: [/not valid JSON at line \d+, column \d+: unterminated string/] };
    },
  },
  {
    name: 'truncated inside a multi-byte character of a BPE token',
    make: () => {
      const bytes = readFileSync(bpeFile);
      const at = bytes.indexOf('\u0120') + 1; // the second byte of "Ġ" (U+0120, two bytes), GPT-2's space
      return { path: write('cut-character.json', bytes.subarray(0, at)), mentions: [`byte offset ${at - 1} (byte 0xc4: the text ends inside a multi-byte character — cut short?)`] };
    },
  },
  { name: 'a zero-byte file', make: () => ({ path: write('zero.json', ''), mentions: ['is empty'] }) },
  {
    name: 'a folder named tokenizer.json',
    make: () => {
      const path = join(dir, 'folder', 'tokenizer.json');
      mkdirSync(path, { recursive: true });
      return { path, mentions: ['is a folder'] };
    },
  },
  { name: 'a file that is not there', make: () => ({ path: join(dir, 'absent.json'), mentions: ['not found'] }) },
  {
    name: 'a gzip file (the shared TinyShakespeare .gz) given as the tokenizer',
    make: () => {
      const path = join(dir, 'gzip.json');
      copyFileSync(sharedShakespeareGzipPath(), path);
      return { path, mentions: ['binary data at line 1, column 1, byte offset 0 (byte 0x1f, not text)', '(the file is gzip-compressed)'] };
    },
  },
  { name: 'the corpus text given as the tokenizer', make: () => ({ path: write('text.json', embeddedShakespeare().subarray(0, 4_000)), mentions: ['not valid JSON at line 1, column 1: expected a JSON value, found "F"'] }) },
  {
    name: 'invalid UTF-8 inside a token (would read as U+FFFD)',
    make: () => {
      const bytes = readFileSync(charFile);
      const at = bytes.indexOf('"a"') + 1;
      return { path: write('bad-utf8.json', spliceBytes(bytes.subarray(0, at), at, [0xff, ...bytes.subarray(at + 1)])), mentions: [`byte offset ${at} (byte 0xff)`, /line \d+, column \d+/] };
    },
  },
  { name: 'wrong kind ("wordpiece")', make: () => ({ path: write('kind.json', { ...charJson, kind: 'wordpiece' }), mentions: ['column "kind"', 'got "wordpiece"'] }) },
  { name: 'a BPE tokenizer without its merges', make: () => ({ path: write('no-merges.json', { ...bpeJson, merges: undefined }), mentions: ['column "merges"', 'needs an array of merges'] }) },
  { name: 'a char tokenizer that carries merges', make: () => ({ path: write('char-merges.json', { ...charJson, merges: ['a b'] }), mentions: ['column "merges"', 'has no merges'] }) },
  {
    name: 'a duplicate token in the char vocabulary',
    make: () => {
      const vocabulary = [...charJson.vocabulary];
      vocabulary[40] = vocabulary[39] ?? '';
      return { path: write('duplicate.json', { ...charJson, vocabulary }), mentions: ['column "vocabulary[40]"', 'appears twice'] };
    },
  },
  {
    name: 'a duplicate token in the BPE vocabulary',
    make: () => {
      const vocabulary = [...bpeJson.vocabulary];
      vocabulary[300] = vocabulary[290] ?? '';
      return { path: write('duplicate-bpe.json', { ...bpeJson, vocabulary }), mentions: ['column "vocabulary[300]"', 'appears twice'] };
    },
  },
  {
    name: 'a merge naming a token that is not in the vocabulary',
    make: () => {
      const merges = [...(bpeJson.merges ?? [])];
      merges[5] = 'zz qq';
      return { path: write('merge-absent.json', { ...bpeJson, merges }), mentions: ['column "merges[5]"', 'not in the vocabulary'] };
    },
  },
  {
    name: 'a merge of three parts',
    make: () => {
      const merges = [...(bpeJson.merges ?? [])];
      merges[2] = 'a b c';
      return { path: write('merge-three.json', { ...bpeJson, merges }), mentions: ['column "merges[2]"', '"left right"'] };
    },
  },
  {
    name: 'the BPE vocabulary cut short of its merges',
    make: () => ({ path: write('short-vocabulary.json', { ...bpeJson, vocabulary: bpeJson.vocabulary.slice(0, -10), endOfTextId: null }), mentions: ['column "vocabulary"', /the merges build \d+ tokens but the vocabulary lists \d+/] }),
  },
  {
    name: 'two byte tokens swapped',
    make: () => {
      const vocabulary = [...bpeJson.vocabulary];
      [vocabulary[65], vocabulary[66]] = [vocabulary[66] ?? '', vocabulary[65] ?? ''];
      return { path: write('swapped-bytes.json', { ...bpeJson, vocabulary }), mentions: ['column "vocabulary[65]"', `expected ${JSON.stringify(BYTE_TO_CHARACTER[65])}`] };
    },
  },
  { name: 'endOfTextId not the last id', make: () => ({ path: write('eot.json', { ...bpeJson, endOfTextId: 3 }), mentions: ['column "endOfTextId"', 'must be null or the last id'] }) },
  {
    name: 'a char token of two characters',
    make: () => {
      const vocabulary = [...charJson.vocabulary];
      vocabulary[20] = 'th';
      return { path: write('two-chars.json', { ...charJson, vocabulary }), mentions: ['column "vocabulary[20]"', 'one character'] };
    },
  },
  { name: 'a token that is a number', make: () => ({ path: write('number-token.json', { ...charJson, vocabulary: [...charJson.vocabulary.slice(0, 5), 7] }), mentions: ['column "vocabulary[5]"', 'must be a string, got 7'] }) },
  { name: 'an empty vocabulary', make: () => ({ path: write('empty-vocabulary.json', { ...charJson, vocabulary: [] }), mentions: ['column "vocabulary"', 'non-empty'] }) },
  { name: 'another JSON file (the app\'s package.json)', make: () => ({ path: write('package.json', readFileSync(new URL('../../package.json', import.meta.url))), mentions: ['column "format"', 'must be "counterweight-tokenizer", got nothing (the field is missing)'] }) },
  { name: 'a later format version', make: () => ({ path: write('version.json', { ...charJson, version: 2 }), mentions: ['column "version"', 'must be 1, got 2'] }) },
  { name: 'a JSON array', make: () => ({ path: write('array.json', JSON.stringify(charJson.vocabulary)), mentions: ['expected a JSON object'] }) },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadTokenizer: a bad-input corpus made from real tokenizers', () => {
  it.each(TOKENIZER_CASES.map((c) => [c.name, c] as const))('%s: a DataFileError naming the file and the field or place', async (_, testCase) => {
    const { path, mentions } = testCase.make();
    const error = await rejection(loadTokenizer(path));
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message.length).toBeLessThan(300);
    for (const mention of [path, ...mentions]) expect(error.message).toMatch(typeof mention === 'string' ? new RegExp(escape(mention)) : mention);
    // eslint-disable-next-line no-control-regex -- no raw byte of the input may reach the message
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]|Unexpected token|undefined/);
  });

  it('the real files load, and text with characters the char vocabulary lacks names the character, line and column', async () => {
    const shakespeareChars = await loadTokenizer(charFile);
    expect((await loadTokenizer(bpeFile)).vocabularySize).toBe(320);
    // TinyStories (the shared sample) uses '"', which TinyShakespeare never does: its first story's first quote.
    const story = sharedStories().toString('utf8').slice(0, 2_000);
    const at = story.indexOf('"');
    const line = story.slice(0, at).split('\n').length;
    const column = at - story.lastIndexOf('\n', at - 1);
    const error = thrown(() => shakespeareChars.encode(story));
    expect(error).toBeInstanceOf(TokenizerError);
    expect(error.message).toBe(`character "\\"" (U+0022) at line ${line}, column ${column} is not in the char vocabulary (65 characters)`);
  });
});
