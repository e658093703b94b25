import { DataFileError } from '@counterweight/runtime';

import { readLines } from './line-reader.js';

/** Control characters other than tab, CR and LF, and U+FFFD (what invalid UTF-8 decodes to): signs of binary data. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * A short, escaped excerpt of `text` for an error message: at most `max` characters (then `…`), in double quotes,
 * with control characters, U+FFFD and other invisible characters written as `\uXXXX`, so a message never echoes raw
 * bytes of a binary file.
 */
export function quoteExcerpt(text: string, max = 24): string {
  const cut = [...text].slice(0, max).join('');
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff\ufffd\ud800-\udfff"\\]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}${cut.length < text.length ? '…' : ''}"`;
}

/**
 * Why a line of a text file looks binary, or undefined when it is text: the first control character (other than tab)
 * or invalid UTF-8 sequence, with its 1-based character position, e.g. `binary data (byte 0x00 at character 7)` or
 * `invalid UTF-8 at character 3`.
 */
export function binaryLineProblem(line: string): string | undefined {
  const match = BINARY.exec(line);
  if (match === null) return undefined;
  const at = `at character ${match.index + 1}`;
  const char = match[0];
  return char === '\ufffd' ? `invalid UTF-8 ${at}` : `binary data (byte 0x${char.charCodeAt(0).toString(16).padStart(2, '0')} ${at})`;
}

/**
 * Streams a text file (gzip by extension, see {@link readLines}) and throws at the first line that is not UTF-8 text,
 * so a binary file given as CSV ends in one line naming file and row instead of echoing its bytes.
 * @param what what the file should be, e.g. `a CSV file`.
 * @throws DataFileError `file, row N: is not text: invalid UTF-8 at character 3; expected a CSV file` (row = line,
 *   1-based); the errors of {@link readLines} for a missing, folder or corrupt gzip file.
 */
export async function requireTextFile(path: string, what: string): Promise<void> {
  for await (const [line, text] of readLines(path)) {
    const problem = binaryLineProblem(text);
    if (problem !== undefined) throw new DataFileError({ file: path, row: line }, `is not text: ${problem}; expected ${what}`);
  }
}
