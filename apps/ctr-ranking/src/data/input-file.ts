import { stat } from 'node:fs/promises';

import { DataFileError } from '@counterweight/runtime';

/** Plain words for the errno codes a user can meet when a path does not lead to a readable file. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Why `path` cannot be read as a regular file, in plain words (`file not found`, `is a folder, expected <what>`,
 * `permission denied`, …), or undefined when it is a readable file. No bare errno codes: each message is meant to
 * follow the path in an error (`data.csv: is a folder, expected a CSV file`).
 * @param what what the caller expected there, e.g. `a CSV file` (default `a file`).
 */
export async function inputFileProblem(path: string, what = 'a file'): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return `is a folder, expected ${what}`;
    if (!info.isFile()) return `is not a regular file (a device, socket or pipe), expected ${what}`;
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return ERRNO_WORDS[code] ?? `cannot be read (system error ${code === '' ? String(error) : code.toLowerCase()})`;
  }
}

/**
 * Throws a {@link DataFileError} naming `path` unless it is a readable regular file (see {@link inputFileProblem}).
 * @throws DataFileError `path: is a folder, expected a CSV file`, `path: file not found`, …
 */
export async function requireInputFile(path: string, what = 'a file'): Promise<void> {
  const problem = await inputFileProblem(path, what);
  if (problem !== undefined) throw new DataFileError({ file: path }, problem);
}
