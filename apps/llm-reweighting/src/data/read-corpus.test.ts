import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readCorpus } from './read-corpus.js';
import { rejection, removeTempDirs, tempDir, writeBytes } from './test-support/temp.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('read');
});
afterAll(removeTempDirs);

async function failure(path: string, options: Parameters<typeof readCorpus>[1] = {}): Promise<DataFileError> {
  const error = await rejection(readCorpus(path, options));
  expect(error).toBeInstanceOf(DataFileError);
  expect(error.message).toContain(path);
  return error as DataFileError;
}

describe('readCorpus: plain text', () => {
  it('keeps the whole file as one document, newlines included, and counts code points and bytes', async () => {
    const text = 'héllo\nwörld 🙂\n\nend';
    const path = await writeBytes(dir, 'a.txt', text);
    const corpus = await readCorpus(path);
    expect(corpus.documents).toEqual([text]);
    expect(corpus.characters).toBe([...text].length);
    expect(corpus.bytes).toBe(Buffer.byteLength(text));
    expect(corpus.source).toBe(path);
  });

  it('reads gzip the same as plain, trailing newline kept', async () => {
    const text = 'one\ntwo\n';
    const corpus = await readCorpus(await writeBytes(dir, 'b.txt.gz', text), { source: 'named' });
    expect(corpus).toEqual({ source: 'named', documents: [text], characters: 8, bytes: 8 });
  });

  it('cuts at lone newlines and keeps blank-line paragraphs inside a document (single-newline)', async () => {
    const text = '\nStory one.\n\nStill one.\nStory two.\nStory three.\n\nMore three.\n\n';
    const corpus = await readCorpus(await writeBytes(dir, 'c.txt', text), { documents: 'single-newline' });
    expect(corpus.documents).toEqual(['Story one.\n\nStill one.', 'Story two.', 'Story three.\n\nMore three.']);
    expect(corpus.characters).toBe(text.length);
  });

  it('decodes a multi-byte character split across stream chunks', async () => {
    const text = `${'a'.repeat((1 << 20) - 1)}é\nbc`;
    const corpus = await readCorpus(await writeBytes(dir, 'big.txt', text));
    expect(corpus.documents[0]).toBe(text);
    expect(corpus.bytes).toBe((1 << 20) + 4);
  });
});

describe('readCorpus: JSON lines', () => {
  it('takes one document per line from the field, skipping blank lines', async () => {
    const path = await writeBytes(dir, 'd.jsonl', '{"text":"first"}\n\n{"text":"second\\nline","id":2}\n');
    const corpus = await readCorpus(path, { format: 'jsonl' });
    expect(corpus.documents).toEqual(['first', 'second\nline']);
  });

  it('reads another field when asked', async () => {
    const path = await writeBytes(dir, 'e.jsonl.gz', '{"body":"x"}\n{"body":"y"}');
    expect((await readCorpus(path, { format: 'jsonl', field: 'body' })).documents).toEqual(['x', 'y']);
  });

  it('names the line of malformed JSON', async () => {
    const path = await writeBytes(dir, 'f.jsonl', '{"text":"ok"}\n{"text": oops}\n');
    const error = await failure(path, { format: 'jsonl' });
    expect(error.row).toBe(2);
    expect(error.message).toMatch(/row 2: not valid JSON at column 10: expected a JSON value, found "o"/);
  });

  it('names the line and field when the field is missing or not a string', async () => {
    const missing = await failure(await writeBytes(dir, 'g.jsonl', '{"text":"a"}\n{"txt":"b"}\n'), { format: 'jsonl' });
    expect([missing.row, missing.column]).toEqual([2, 'text']);
    expect(missing.message).toContain('is missing');
    const wrong = await failure(await writeBytes(dir, 'h.jsonl', '{"text":12}\n'), { format: 'jsonl' });
    expect([wrong.row, wrong.column]).toEqual([1, 'text']);
    expect(wrong.message).toContain('must be a string, got number');
    const array = await failure(await writeBytes(dir, 'i.jsonl', '["text"]\n'), { format: 'jsonl' });
    expect(array.message).toContain('expected a JSON object, got an array');
  });
});

describe('readCorpus: bad files', () => {
  it('names a missing file', async () => {
    expect((await failure(join(dir, 'nope.txt'))).message).toContain('file not found');
  });

  it('names a folder given as a file', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    expect((await failure(folder)).message).toContain('is a folder');
  });

  it('refuses an empty file and a white-space-only file', async () => {
    expect((await failure(await writeBytes(dir, 'empty.txt', ''))).message).toContain('is empty');
    expect((await failure(await writeBytes(dir, 'blank.txt', ' \n\n'))).message).toContain('only white space');
    expect((await failure(await writeBytes(dir, 'blank.jsonl', '\n\n'), { format: 'jsonl' })).message).toContain('no JSON line');
  });

  it('refuses a binary file, naming the line and byte offset of the NUL byte', async () => {
    const error = await failure(await writeBytes(dir, 'bin.dat', new Uint8Array([0x61, 0x0a, 0x62, 0x00, 0x63])));
    expect(error.row).toBe(2);
    expect(error.message).toContain('NUL byte at byte offset 3');
  });

  it('refuses invalid UTF-8, naming line, column and byte offset', async () => {
    const bytes = new Uint8Array([...Buffer.from('ok\nab'), 0xc3, 0x28, ...Buffer.from('z\n')]);
    const error = await failure(await writeBytes(dir, 'latin.txt', bytes));
    expect(error.row).toBe(2);
    expect(error.message).toContain('invalid UTF-8 at column 3, byte offset 5 (byte 0xc3)');
  });

  it('refuses a corrupt gzip file', async () => {
    const path = join(dir, 'broken.txt.gz');
    await writeBytes(dir, 'broken.txt', 'not gzip at all');
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, 'broken.txt'), path);
    expect((await failure(path)).message).toContain('not a valid gzip file');
  });
});
