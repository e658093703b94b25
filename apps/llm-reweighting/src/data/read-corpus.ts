import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { DataFileError, describeNonText, firstNonTextByte, jsonSyntaxError } from '@counterweight/runtime';

/** A text corpus as read from a file: its documents in file order, with what they came from. */
export interface Corpus {
  /** The file it was read from, or `embedded:<name>` for the embedded default. */
  readonly source: string;
  /** The documents, in file order (never empty; each a non-empty string). */
  readonly documents: readonly string[];
  /** Unicode code points in the (decompressed) file, newlines included: Python's `len(text)`. */
  readonly characters: number;
  /** Bytes of the (decompressed) file. */
  readonly bytes: number;
}

/** How a corpus file is laid out. */
export type CorpusFormat = 'text' | 'jsonl';

/**
 * How plain text is cut into documents. `whole`: the file is one document. `single-newline`: a lone `\n` between two
 * non-empty lines ends a document and a blank line (`\n\n`) stays inside one, the layout of the TinyStories text dump
 * (stories on consecutive lines, paragraphs separated by a blank line).
 */
export type TextDocuments = 'whole' | 'single-newline';

export interface ReadCorpusOptions {
  /** `text` (default): UTF-8 text; `jsonl`: one JSON object per line, the document in {@link field}. */
  readonly format?: CorpusFormat;
  /** `jsonl` only: the string field that holds a line's document (default `text`). */
  readonly field?: string;
  /** `text` only: how the text is cut into documents (default `whole`). */
  readonly documents?: TextDocuments;
  /** Name to record as {@link Corpus.source} (default: the path). */
  readonly source?: string;
}

/** Streams the raw bytes of `path`, gunzipped when the name ends in `.gz`. */
function openBytes(path: string): Readable {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!path.endsWith('.gz')) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  gunzip.on('close', () => file.destroy());
  return file.pipe(gunzip);
}

/**
 * Decodes one line's bytes as strict UTF-8. On invalid UTF-8 raises a DataFileError naming the line, and the column and
 * byte offset in the file of the first bad byte ({@link firstNonTextByte}; NUL bytes were refused before). `last`: the
 * line is the file's end, so a multi-byte character cut there is a cut file rather than a bad byte.
 */
function decodeLine(bytes: Uint8Array, path: string, line: number, lineOffset: number, last: boolean): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const found = firstNonTextByte(bytes, { binary: 'nul' });
    if (found === undefined) throw error;
    const kind = found.kind === 'cut-utf8' && !last ? 'not-utf8' : found.kind;
    throw new DataFileError({ file: path, row: line }, describeNonText({ ...found, kind, offset: lineOffset + found.offset }), { cause: error });
  }
}

/**
 * Calls `onLine(text, lineNumber)` for each line of `path` (1-based numbers; the `\n` is not part of the text, a final
 * line without `\n` is passed too, an empty file passes none). Reads with a stream, so memory holds one chunk and one
 * line at a time. Returns the byte count and whether the file ended with a newline.
 */
async function forEachLine(path: string, onLine: (text: string, line: number) => void): Promise<{ bytes: number; endsWithNewline: boolean }> {
  let bytes = 0;
  let line = 1;
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let lastByte = -1;
  try {
    for await (const chunk of openBytes(path)) {
      const buffer = chunk as Buffer;
      const zero = buffer.indexOf(0);
      if (zero >= 0) {
        throw new DataFileError(
          { file: path, row: line + countNewlines(buffer, zero) },
          `binary file: NUL byte at byte offset ${bytes + zero} (expected UTF-8 text)`,
        );
      }
      let start = 0;
      for (let newline = buffer.indexOf(10, start); newline >= 0; newline = buffer.indexOf(10, start)) {
        const part = buffer.subarray(start, newline);
        const whole = pending.length === 0 ? part : Buffer.concat([...pending, part]);
        onLine(decodeLine(whole, path, line, pending.length === 0 ? bytes + start : pendingStart, false), line);
        pending = [];
        line += 1;
        start = newline + 1;
      }
      if (start < buffer.length) {
        if (pending.length === 0) pendingStart = bytes + start;
        pending.push(buffer.subarray(start));
      }
      bytes += buffer.length;
      if (buffer.length > 0) lastByte = buffer[buffer.length - 1] ?? -1;
    }
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' ? 'not a valid gzip file' : 'cannot be read';
    throw new DataFileError({ file: path, row: line }, `${detail}: ${(error as Error).message}`, { cause: error });
  }
  if (pending.length > 0) onLine(decodeLine(Buffer.concat(pending), path, line, pendingStart, true), line);
  return { bytes, endsWithNewline: lastByte === 10 };
}

function countNewlines(buffer: Buffer, end: number): number {
  let count = 0;
  for (let i = buffer.indexOf(10); i >= 0 && i < end; i = buffer.indexOf(10, i + 1)) count += 1;
  return count;
}

function codePoints(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) surrogates += 1;
  }
  return text.length - surrogates;
}

/**
 * Reads a text corpus from `path`, streamed (fs read stream, piped through `zlib` gunzip when the name ends in `.gz`,
 * then split into lines on the bytes) so a large file never sits in memory twice.
 *
 * - `format: 'text'` (default): strict UTF-8 text. `documents: 'whole'` (default) makes the file one document, kept
 *   exactly (newlines included); `'single-newline'` cuts it into documents at lone newlines (see {@link TextDocuments}).
 * - `format: 'jsonl'`: one JSON object per line; the document is the string in `field` (default `text`). Blank lines
 *   are skipped.
 *
 * `characters` counts Unicode code points and `bytes` the decompressed bytes of the whole file.
 *
 * @throws DataFileError naming the file (and the line as `row`, plus column or byte offset where it helps) when the
 *   file is missing, is a folder, is empty or holds no document, holds a NUL byte (binary), holds invalid UTF-8, has a
 *   malformed JSON line, or a JSON line whose `field` is missing or not a string.
 */
export async function readCorpus(path: string, options: ReadCorpusOptions = {}): Promise<Corpus> {
  const format = options.format ?? 'text';
  const field = options.field ?? 'text';
  const split = options.documents ?? 'whole';
  if (format !== 'text' && format !== 'jsonl') {
    throw new DataFileError({ file: path }, `unknown corpus format "${String(format)}" (expected "text" or "jsonl")`);
  }
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? 'file not found' : `cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (info.isDirectory()) throw new DataFileError({ file: path }, 'is a folder, expected a corpus file');
  if (info.size === 0) throw new DataFileError({ file: path }, 'is empty');

  const documents: string[] = [];
  let characters = 0;
  let lines = 0;
  let current: string[] = [];
  let previousBlank = true;
  const flush = (): void => {
    if (current.length > 0) documents.push(current.join('\n'));
    current = [];
  };

  const onLine = (text: string, line: number): void => {
    lines = line;
    characters += codePoints(text);
    if (format === 'jsonl') {
      if (text.trim() === '') return;
      documents.push(jsonDocument(text, field, path, line));
    } else if (split === 'single-newline') {
      const blank = text === '';
      if (blank && current.length === 0) return;
      if (!blank && !previousBlank) flush();
      current.push(text);
      previousBlank = blank;
    } else {
      current.push(text);
    }
  };
  const { bytes, endsWithNewline } = await forEachLine(path, onLine);
  const newlines = endsWithNewline ? lines : Math.max(lines - 1, 0);
  characters += newlines;

  if (format === 'text') {
    if (split === 'whole') {
      const text = current.join('\n') + (endsWithNewline ? '\n' : '');
      current = [];
      if (text.trim() !== '') documents.push(text);
    } else {
      while (current.length > 0 && current[current.length - 1] === '') current.pop();
      flush();
    }
  }
  if (bytes === 0) throw new DataFileError({ file: path }, 'is empty after decompression (expected gzip-compressed text)');
  if (documents.length === 0) {
    throw new DataFileError({ file: path }, format === 'jsonl' ? 'holds no JSON line' : 'holds only white space, no text');
  }
  return { source: options.source ?? path, documents, characters, bytes };
}

function jsonDocument(text: string, field: string, path: string, line: number): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const problem = jsonSyntaxError(text);
    const where = problem === undefined ? '' : ` at column ${problem.column}: ${problem.reason}`;
    throw new DataFileError({ file: path, row: line }, `not valid JSON${where} (expected one JSON object per line)`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataFileError({ file: path, row: line }, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  if (!Object.hasOwn(value, field)) {
    throw new DataFileError({ file: path, row: line, column: field }, `field "${field}" is missing`);
  }
  const document = (value as Record<string, unknown>)[field];
  if (typeof document !== 'string') {
    const kind = document === null ? 'null' : Array.isArray(document) ? 'an array' : typeof document;
    throw new DataFileError({ file: path, row: line, column: field }, `field "${field}" must be a string, got ${kind}`);
  }
  if (document === '') throw new DataFileError({ file: path, row: line, column: field }, `field "${field}" is an empty string`);
  return document;
}
