import { DataFileError, quoteExcerpt } from '@counterweight/runtime';

import { readLines } from './line-reader.js';

/** The column names of a CSV's header line (BOM and surrounding quotes removed). */
export async function readCsvHeader(path: string, delimiter: string): Promise<string[]> {
  for await (const [, text] of readLines(path)) {
    return text
      .replace(/^\uFEFF/, '')
      .split(delimiter)
      .map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
  }
  throw new DataFileError({ file: path }, 'is empty: a header row is required');
}

/** The first columns of a header, quoted and cut, for an error message that stays one short line. */
export function describeColumns(available: readonly string[]): string {
  const shown = available.slice(0, 12).map((c) => quoteExcerpt(c, 24));
  return available.length > shown.length ? `${shown.join(', ')} and ${available.length - shown.length} more` : shown.join(', ') || 'no columns';
}

/**
 * Checks that a CSV's header has every `required` column, before the whole file is parsed.
 * @throws DataFileError `file, row 1, column "age": column not in the header (delimiter ";"); the header has "x", … and
 *   30 more` — the listing is cut so the message stays one line; `file: is empty` for a zero-byte file.
 */
export async function requireCsvColumns(path: string, delimiter: string, required: readonly string[]): Promise<void> {
  const header = await readCsvHeader(path, delimiter);
  const missing = required.find((c) => !header.includes(c));
  if (missing !== undefined) {
    throw new DataFileError(
      { file: path, row: 1, column: missing },
      `column not in the header (delimiter ${JSON.stringify(delimiter)}); the header has ${describeColumns(header)}`,
    );
  }
}
