import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import { DataFileError, describeNonText, firstNonTextByte, isGzip } from '@counterweight/runtime';


/** Delimiters tried when a mapping gives none (DuckDB's own candidates). */
const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter that splits the header line into the most fields (quotes respected), `,` when none does. */
function guessDelimiter(headerLine: string): string {
  let best: string = ',';
  let most = 1;
  for (const d of DELIMITERS) {
    const n = splitCount(headerLine, d);
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}

/** Fields of one line split by `delimiter`, double quotes respected. */
function splitCount(line: string, delimiter: string): number {
  let n = 1;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) n += 1;
  }
  return n;
}

const shown = (d: string): string => (d === '\t' ? 'tab' : JSON.stringify(d));

/**
 * Finds why a CSV file (gzip by `.gz`) cannot be read as a table, for the files DuckDB refuses without saying where
 * ("error when sniffing file") or reads as something else (a binary file's bytes as one column): reads it whole and
 * returns the first of
 * - a `.gz` name on bytes that are not gzip, or a gzip stream that is truncated or corrupt;
 * - gzip bytes under a name without `.gz`;
 * - no content at all (not even a header line);
 * - a byte that is not UTF-8 text, or a control byte of binary data (its row, column and byte offset, never the bytes);
 * - a record with another number of fields than the header (RFC 4180 quoting, `"` doubled inside quotes), a quote
 *   never closed, or text after a closing quote — with the record's first line as its row (header = row 1).
 * Undefined when none of these is found (the caller keeps the reader's own message).
 * @param delimiter the mapping's delimiter; default: the one of `,` `;` tab `|` that splits the header most.
 */
export function diagnoseCsv(file: string, delimiter?: string): DataFileError | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (file.toLowerCase().endsWith('.gz')) {
    if (!isGzip(bytes)) return new DataFileError({ file }, 'is not gzip-compressed although its name ends in .gz (rename it, or compress it)');
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      const reason = (error as { code?: string }).code === 'Z_BUF_ERROR' ? 'it ends before the compressed stream does (truncated)' : 'its compressed data is corrupt';
      return new DataFileError({ file }, `is not a complete gzip file: ${reason}`);
    }
  } else if (isGzip(bytes)) {
    return new DataFileError({ file }, 'is gzip-compressed binary data, not CSV text; name it .csv.gz to have it decompressed');
  }
  if (bytes.toString('utf8').trim() === '') {
    return new DataFileError({ file }, 'has no content (not even a header line)');
  }
  const notText = firstNonTextByte(bytes);
  if (notText !== undefined) return new DataFileError({ file, row: notText.line }, `${describeNonText(notText)}; a station table is UTF-8 CSV text`);

  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstBreak = text.search(/\r?\n/);
  const d = delimiter ?? guessDelimiter(firstBreak < 0 ? text : text.slice(0, firstBreak));
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let expected: number | undefined;
  let atFieldStart = true;
  let quoted = false;
  let quoteLine = 0;
  let afterQuote = false;
  let blank = true;
  const endRecord = (): DataFileError | undefined => {
    if (!blank) {
      if (expected === undefined) expected = fields;
      else if (fields !== expected) {
        return new DataFileError({ file, row: recordLine }, `has ${fields} field${fields === 1 ? '' : 's'} where the header has ${expected} (delimiter ${shown(d)})`);
      }
    }
    fields = 1;
    atFieldStart = true;
    afterQuote = false;
    blank = true;
    recordLine = line;
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\n') line += 1;
      else if (c === '"') {
        if (text[i + 1] === '"') i += 1;
        else {
          quoted = false;
          afterQuote = true;
        }
      }
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n') {
      line += 1;
      const bad = endRecord();
      if (bad !== undefined) return bad;
      continue;
    }
    blank = false;
    if (c === d) {
      fields += 1;
      atFieldStart = true;
      afterQuote = false;
      continue;
    }
    if (afterQuote) {
      if (quoteLine !== line) return new DataFileError({ file, row: quoteLine }, `a quoted cell opened here is not closed on its line: it runs on to row ${line}`);
      return new DataFileError({ file, row: line }, `text after a closing quote (${JSON.stringify(c)}) where ${shown(d)} or a line break was expected`);
    }
    if (c === '"') {
      if (!atFieldStart) return new DataFileError({ file, row: line }, 'a quote inside an unquoted cell (quote the whole cell and double the quote)');
      quoted = true;
      quoteLine = line;
    }
    atFieldStart = false;
  }
  if (quoted) return new DataFileError({ file, row: quoteLine }, 'a quoted cell opened here is never closed');
  return endRecord();
}
