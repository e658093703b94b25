import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { ConfigError, DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { prepareData } from '../experiment/prepare-data.js';
import type { LmSettings } from '../experiment/settings.js';
import { readCorpus, type ReadCorpusOptions } from './read-corpus.js';
import { embeddedShakespeare, lineOfByte, sharedShakespeareGzipPath, sharedStories, spliceBytes } from './test-support/real-text.js';
import { rejection, removeTempDirs, tempDir } from './test-support/temp.js';

// The bad-input corpus of the corpus loader (readCorpus, and prepareData for what needs the tokenizer and the
// context), every file made from the real corpora: the embedded TinyShakespeare and the shared TinyStories sample.
// Each case: how the file is made, the options it is read with, the error class and what the message must name.

let dir: string;
let shakespeare: Buffer;
let stories: Buffer;
beforeAll(async () => {
  dir = await tempDir('corpus-reliability');
  shakespeare = embeddedShakespeare();
  stories = sharedStories();
});
afterAll(removeTempDirs);

/** The first `n` stories of the TinyStories sample as JSON lines `{"text": …}`. */
function storyLines(n: number): string[] {
  const text = stories.toString('utf8');
  return text.split(/\n(?!\n)/).filter((s) => s.trim() !== '').slice(0, n).map((s) => JSON.stringify({ text: s.replace(/^\n+/, '') }));
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

interface CorpusCase {
  readonly name: string;
  /** Writes the file; returns its path, the options and the expected mentions (besides the file's path). */
  readonly make: () => { path: string; options?: ReadCorpusOptions; mentions: ReadonlyArray<string | RegExp> };
}

const INVALID_AT = 12_345;
const LATE = 1_100_000;

const CORPUS_CASES: readonly CorpusCase[] = [
  {
    name: 'invalid UTF-8 byte (0xFF) inside the text',
    make: () => ({
      path: write('ff-inside.txt', spliceBytes(shakespeare.subarray(0, 40_000), INVALID_AT, [0xff])),
      mentions: [`row ${lineOfByte(shakespeare, INVALID_AT)}`, `byte offset ${INVALID_AT}`, 'byte 0xff', 'invalid UTF-8'],
    }),
  },
  {
    name: 'invalid UTF-8 past the first 1 MiB read chunk',
    make: () => ({
      path: write('ff-late.txt', spliceBytes(shakespeare, LATE, [0xc3, 0x28])),
      mentions: [`row ${lineOfByte(shakespeare, LATE)}`, `byte offset ${LATE}`, 'byte 0xc3'],
    }),
  },
  {
    name: 'Latin-1 text (é as the single byte 0xE9)',
    make: () => {
      const at = shakespeare.indexOf('ROMEO');
      return { path: write('latin1.txt', spliceBytes(shakespeare, at, [0x52, 0xe9, 0x3a])), mentions: [`row ${lineOfByte(shakespeare, at)}`, `byte offset ${at + 1}`, 'byte 0xe9'] };
    },
  },
  {
    name: 'overlong encoding of "/" (0xC0 0xAF)',
    make: () => ({ path: write('overlong.txt', spliceBytes(shakespeare.subarray(0, 5_000), 3_000, [0xc0, 0xaf])), mentions: [`row ${lineOfByte(shakespeare, 3_000)}`, 'byte offset 3000', 'byte 0xc0'] }),
  },
  {
    name: 'a multi-byte character cut off at the end of the file',
    make: () => {
      const body = shakespeare.subarray(0, 1_000);
      return { path: write('cut-end.txt', Buffer.concat([body, Buffer.from([0xe2, 0x80])])), mentions: [`row ${lineOfByte(body, body.length)}`, `byte offset ${body.length}`, 'ends inside a multi-byte character'] };
    },
  },
  {
    name: 'invalid UTF-8 inside a gzip file',
    make: () => ({ path: write('ff-inside.txt.gz', gzipSync(spliceBytes(shakespeare.subarray(0, 40_000), INVALID_AT, [0xfe]))), mentions: [`row ${lineOfByte(shakespeare, INVALID_AT)}`, `byte offset ${INVALID_AT}`] }),
  },
  {
    name: 'UTF-16 text (the same words, two bytes a character)',
    make: () => ({ path: write('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(shakespeare.subarray(0, 2_000).toString('latin1'), 'utf16le')])), mentions: ['row 1', 'byte offset 3', 'binary'] }),
  },
  {
    name: 'the shared TinyShakespeare .gz given as a text file',
    make: () => {
      const path = join(dir, 'shakespeare-gzip-as.txt');
      copyFileSync(sharedShakespeareGzipPath(), path);
      return { path, mentions: ['row 1', 'NUL byte', 'binary'] };
    },
  },
  {
    name: 'a .gz whose content is itself gzip (binary after decompression)',
    make: () => ({ path: write('double.txt.gz', gzipSync(gzipSync(stories.subarray(0, 50_000)))), mentions: ['row 1', 'binary'] }),
  },
  {
    name: 'NUL byte late in the text',
    make: () => ({ path: write('nul-late.txt', spliceBytes(shakespeare, LATE, [0])), mentions: [`row ${lineOfByte(shakespeare, LATE)}`, `byte offset ${LATE}`, 'binary'] }),
  },
  {
    name: 'a truncated gzip file (the shared .gz cut in half)',
    make: () => {
      const gz = gzipSync(shakespeare);
      return { path: write('truncated.txt.gz', gz.subarray(0, gz.length >> 1)), mentions: ['not a valid gzip file'] };
    },
  },
  { name: 'plain text named .gz', make: () => ({ path: write('plain-named.txt.gz', shakespeare.subarray(0, 10_000)), mentions: ['not a valid gzip file'] }) },
  { name: 'a zero-byte file', make: () => ({ path: write('zero.txt', ''), mentions: ['is empty'] }) },
  { name: 'a zero-byte .gz file', make: () => ({ path: write('zero.txt.gz', ''), mentions: ['is empty'] }) },
  { name: 'a gzip file of nothing', make: () => ({ path: write('nothing.txt.gz', gzipSync(Buffer.alloc(0))), mentions: ['empty after decompression'] }) },
  { name: 'white space only (the text\'s own blank lines)', make: () => ({ path: write('blank.txt', ' \n\n\t\n'.repeat(200)), mentions: ['only white space'] }) },
  {
    name: 'a folder given as the corpus',
    make: () => {
      const path = join(dir, 'a-folder.txt');
      mkdirSync(path, { recursive: true });
      return { path, mentions: ['is a folder'] };
    },
  },
  { name: 'a file that is not there', make: () => ({ path: join(dir, 'absent.txt'), mentions: ['not found'] }) },
  {
    name: 'JSON lines: a story line cut in the middle',
    make: () => {
      const lines = storyLines(5);
      lines[2] = (lines[2] ?? '').slice(0, 80);
      return { path: write('cut-line.jsonl', lines.join('\n')), options: { format: 'jsonl' }, mentions: ['row 3', /not valid JSON at column \d+/] };
    },
  },
  {
    name: 'JSON lines: a trailing comma',
    make: () => {
      const lines = storyLines(4);
      lines[1] = `${(lines[1] ?? '').slice(0, -1)},}`;
      return { path: write('comma.jsonl', lines.join('\n')), options: { format: 'jsonl' }, mentions: ['row 2', /not valid JSON at column \d+/] };
    },
  },
  { name: 'JSON lines: the field asked for is absent', make: () => ({ path: write('fields.jsonl', storyLines(3).join('\n')), options: { format: 'jsonl', field: 'body' }, mentions: ['row 1', 'column "body"', 'missing'] }) },
  {
    name: 'JSON lines: the field is a number',
    make: () => ({ path: write('number.jsonl', [...storyLines(3), '{"text": 42}'].join('\n')), options: { format: 'jsonl' }, mentions: ['row 4', 'column "text"', 'got number'] }),
  },
  { name: 'JSON lines: a line is an array', make: () => ({ path: write('array.jsonl', [...storyLines(2), '["a", "b"]'].join('\n')), options: { format: 'jsonl' }, mentions: ['row 3', 'an array'] }) },
  { name: 'JSON lines: an empty document', make: () => ({ path: write('empty-doc.jsonl', [...storyLines(2), '{"text": ""}'].join('\n')), options: { format: 'jsonl' }, mentions: ['row 3', 'empty string'] }) },
  {
    name: 'JSON lines: invalid UTF-8 inside a story',
    make: () => {
      const text = Buffer.from(storyLines(3).join('\n'));
      const at = text.indexOf('\n') + 30;
      return { path: write('utf8.jsonl', spliceBytes(text, at, [0xff])), options: { format: 'jsonl' }, mentions: ['row 2', `byte offset ${at}`] };
    },
  },
  { name: 'JSON lines: plain text read as JSON lines', make: () => ({ path: write('plain.jsonl', shakespeare.subarray(0, 5_000)), options: { format: 'jsonl' }, mentions: ['row 1', /not valid JSON at column 1\b/] }) },
  { name: 'JSON lines: only blank lines', make: () => ({ path: write('blank.jsonl', '\n\n  \n'), options: { format: 'jsonl' }, mentions: ['no JSON line'] }) },
];

describe('readCorpus: a bad-input corpus made from the real text', () => {
  it.each(CORPUS_CASES.map((c) => [c.name, c] as const))('%s: a DataFileError naming the file and the place', async (_, testCase) => {
    const { path, options, mentions } = testCase.make();
    const error = await rejection(readCorpus(path, options));
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message.length).toBeLessThan(300);
    for (const mention of [path, ...mentions]) expect(error.message).toMatch(typeof mention === 'string' ? new RegExp(escape(mention)) : mention);
    // eslint-disable-next-line no-control-regex -- no raw byte of the input may reach the message
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]|Unexpected token|undefined/);
  });

  it('still reads what is unusual but valid: a UTF-8 byte-order mark, CRLF line ends, JSON lines with blank lines', async () => {
    const crlf = write('bom-crlf.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(shakespeare.subarray(0, 3_000).toString('utf8').replace(/\n/g, '\r\n'))]));
    const text = await readCorpus(crlf);
    expect(text.documents[0]?.startsWith('First Citizen:\r\n')).toBe(true);
    const jsonl = write('bom.jsonl', `\ufeff${storyLines(3).join('\n\n')}\n`);
    expect((await readCorpus(jsonl, { format: 'jsonl' })).documents).toHaveLength(3);
  });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Settings of a tiny comparison on `source`: context 64, char tokenizer, samples from `prompt`. */
function settingsOn(source: string, prompt = '\n'): LmSettings {
  return {
    corpus: { source, tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
    model: { layers: 1, heads: 2, width: 32, context: 64 },
    training: { steps: 10, evalEvery: 5, batchSize: 4, evalWindows: 8, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 2, weightDecay: 0.1, beta1: 0.9, beta2: 0.99, clip: 1 },
    objectives: { temperature: null, reweightingWarmup: 0, ntlLambda: 0.3 },
    samples: { prompt, tokens: 10, temperature: 0.8 },
  };
}

describe('prepareData: corpora too short for the context, prompts the vocabulary cannot write', () => {
  it('a corpus shorter than one context window names the corpus, the split and both numbers', async () => {
    const path = write('short.txt', shakespeare.subarray(0, 40));
    const error = await rejection(prepareData(settingsOn(path)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^--context: .*short\.txt: the validation split has 4 tokens, fewer than context \+ 1 = 65 needed/);
  });

  it('a corpus whose validation split is shorter than the context says so', async () => {
    const path = write('short-validation.txt', shakespeare.subarray(0, 600));
    const error = await rejection(prepareData(settingsOn(path)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/short-validation\.txt: the validation split has 60 tokens, fewer than context \+ 1 = 65/);
  });

  it('a .jsonl.gz corpus without --format is read as JSON lines (the name says so), and its bad line is named', async () => {
    const good = write('stories.jsonl.gz', gzipSync(storyLines(400).join('\n')));
    expect((await prepareData(settingsOn(good))).corpus.documents).toBe(400);
    const lines = storyLines(400);
    lines[6] = '{"body": "Once upon a time"}';
    const bad = write('stories-bad.jsonl.gz', gzipSync(lines.join('\n')));
    const error = await rejection(prepareData(settingsOn(bad)));
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toBe(`${bad}, row 7, column "text": field "text" is missing`);
  });

  it('a sample prompt with a character the corpus never uses stops before any training, naming --prompt and the character', async () => {
    const path = write('prompt.txt', shakespeare.subarray(0, 20_000));
    const error = await rejection(prepareData(settingsOn(path, 'ROMEO:\nWhere art thou — my love?')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^--prompt: .*"—" \(U\+2014\).*line 2, column 16/);
  });
});
