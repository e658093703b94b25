import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

import { DataFileError, isGzip } from '@counterweight/runtime/base';

import { checkContent, type ContentCheck } from './content-check.js';

const gunzipAsync = promisify(gunzip);

/**
 * The content of a data file's bytes: decompressed when they are gzip, else as they are.
 * @param where the file or URL, named in errors.
 * @throws DataFileError naming `where` when gzip data is corrupt or truncated.
 */
export async function fileContent(bytes: Uint8Array, where: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (error) {
    throw new DataFileError({ file: where }, `gzip data is corrupt or truncated (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Verifies bytes (a download, or a file just read) against `check` after {@link fileContent}.
 * @returns undefined when they match, else one line naming `where` and the reason.
 */
export async function verifyBytes(bytes: Uint8Array, check: ContentCheck, where: string): Promise<string | undefined> {
  let content: Uint8Array;
  try {
    content = await fileContent(bytes, where);
  } catch (error) {
    return (error as Error).message;
  }
  const problem = checkContent(content, check);
  return problem === undefined ? undefined : `${where}: ${problem}`;
}

/**
 * Verifies the file at `path` (plain or gzip) against `check`.
 * @returns undefined when it matches, else one line naming the path: `file not found`, `is a directory`, a read error,
 *   corrupt gzip, or the size/checksum mismatch.
 */
export async function verifyFile(path: string, check: ContentCheck): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${path}: file not found`;
    if (code === 'EISDIR') return `${path}: is a directory, not a file`;
    return `${path}: cannot read (${code ?? (error as Error).message})`;
  }
  return verifyBytes(bytes, check, path);
}
