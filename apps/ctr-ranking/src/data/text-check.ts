import { DataFileError, describeNonTextLine } from '@counterweight/runtime';

import { readLines } from './line-reader.js';

/**
 * Streams a text file (gzip by extension, see {@link readLines}) and throws at the first line that is not UTF-8 text
 * ({@link describeNonTextLine}), so a binary file given as CSV ends in one line naming file and row instead of echoing
 * its bytes.
 * @param what what the file should be, e.g. `a CSV file`.
 * @throws DataFileError `file, row N: is not text: invalid UTF-8 at column 3; expected a CSV file` (row = line,
 *   1-based); the errors of {@link readLines} for a missing, folder or corrupt gzip file.
 */
export async function requireTextFile(path: string, what: string): Promise<void> {
  for await (const [line, text] of readLines(path)) {
    const problem = describeNonTextLine(text);
    if (problem !== undefined) throw new DataFileError({ file: path, row: line }, `is not text: ${problem}; expected ${what}`);
  }
}
