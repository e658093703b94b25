import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime';

import { requireInputFile } from './input-file.js';

/**
 * Streams the lines of a text file with node's readline (LF or CRLF), gunzipping files whose name ends in `.gz`.
 * Yields `[lineNumber, text]` with 1-based line numbers of the decompressed file.
 * @throws DataFileError naming the file when it is missing, a folder, unreadable or (gzip) truncated/corrupt.
 */
export async function* readLines(path: string): AsyncGenerator<readonly [number, string]> {
  await requireInputFile(path, 'a text file');
  const source = createReadStream(path);
  const gzip = path.endsWith('.gz');
  let failure: unknown;
  const input = gzip
    ? pipeline(source, createGunzip(), (error) => {
        if (error !== undefined && error !== null) {
          failure ??= error;
          lines.close();
        }
      })
    : source;
  if (!gzip) {
    source.on('error', (error) => {
      failure ??= error;
      lines.close();
    });
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      yield [line, text] as const;
    }
  } catch (error) {
    failure ??= error; // readline rethrows its input's errors
  } finally {
    lines.close();
    source.destroy();
  }
  if (failure !== undefined) {
    const message = failure instanceof Error ? failure.message : JSON.stringify(failure);
    const what = gzip ? `gzip data is truncated or corrupt after line ${line}` : `read failed after line ${line}`;
    throw new DataFileError({ file: path }, `${what}: ${message}`, { cause: failure });
  }
}
