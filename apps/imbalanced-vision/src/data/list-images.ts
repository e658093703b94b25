import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

import { DataFileError } from '@counterweight/runtime';

import { isImagePath } from './decode-image.js';

function isHidden(relativePath: string): boolean {
  return relativePath.split(sep).some((part) => part.startsWith('.'));
}

/** Compares strings by UTF-16 code unit (locale-independent), the order every listing here uses. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The image files under `dir`, searched recursively: paths relative to `dir`, sorted by code unit, with a JPEG, PNG
 * or WebP extension (see `isImagePath`); hidden files and folders (name starting with `.`) and sub-folders named like
 * images are left out. May be empty.
 * @throws DataFileError naming the path when `dir` is missing or is a file, or an entry is a broken symbolic link.
 */
export async function listImageFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(
      { file: dir },
      code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is a file, expected a folder' : `cannot be listed (${code ?? String(error)})`,
      { cause: error },
    );
  }
  const files: string[] = [];
  for (const relative of entries) {
    if (isHidden(relative) || !isImagePath(relative)) continue;
    const path = join(dir, relative);
    let isFile: boolean;
    try {
      isFile = (await stat(path)).isFile();
    } catch (error) {
      throw new DataFileError({ file: path }, 'is a broken symbolic link (its target does not exist)', { cause: error });
    }
    if (isFile) files.push(relative);
  }
  return files.sort(byCodeUnit);
}
