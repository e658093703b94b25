import { readFile } from 'node:fs/promises';

import { tableFromIPC, tableToIPC, type Table, type TypeMap } from 'apache-arrow';

import { writeFileAtomic } from '../atomic-write.js';
import { DataFileError } from '../errors.js';

/** The 6 bytes an Arrow IPC file starts (and ends) with. */
const ARROW_MAGIC = Buffer.from('ARROW1', 'latin1');

/**
 * Writes `table` to `path` in the Arrow IPC **file** format (what pyarrow calls Feather v2, uncompressed), atomically
 * through {@link writeFileAtomic}: readers see the old file or the complete new one. Missing parent directories are
 * created. Dictionary-encoded columns keep their dictionaries, and nullable fields keep their validity bitmaps.
 */
export async function writeArrowFile(path: string, table: Table): Promise<void> {
  await writeFileAtomic(path, tableToIPC(table, 'file'));
}

/**
 * Reads a table written by {@link writeArrowFile} (or any uncompressed Arrow IPC file). The whole file is read into
 * memory.
 *
 * @typeParam T the column types the caller expects; they are not checked against the file's schema.
 * @throws DataFileError naming the file when it is missing or unreadable, is not in the Arrow IPC file format (its
 *   first and last bytes are not `ARROW1`), or cannot be decoded (e.g. truncated).
 */
export async function readArrowFile<T extends TypeMap = TypeMap>(path: string): Promise<Table<T>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`;
    throw new DataFileError({ file: path }, message, { cause: error });
  }
  const minimum = ARROW_MAGIC.length * 2 + 2;
  if (
    bytes.length < minimum ||
    !bytes.subarray(0, ARROW_MAGIC.length).equals(ARROW_MAGIC) ||
    !bytes.subarray(bytes.length - ARROW_MAGIC.length).equals(ARROW_MAGIC)
  ) {
    throw new DataFileError(
      { file: path },
      'not an Arrow IPC file (it must start and end with "ARROW1"; truncated files fail this check too)',
    );
  }
  try {
    return tableFromIPC<T>(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DataFileError({ file: path }, `cannot decode the Arrow IPC file: ${message}`, { cause: error });
  }
}
