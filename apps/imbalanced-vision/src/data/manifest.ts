import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { ConfigError, DataFileError, readCsvTable, requireTextBytes } from '@counterweight/runtime';

import { readMaybeGzip } from './idx.js';
import { decodeImages, validateImageSpec, type DecodeImagesOptions, type ImageSpec, type SkippedImage } from './decode-image.js';
import type { MultiLabelImages } from './image-set.js';

/** Options of {@link loadManifest}. */
export interface ManifestOptions extends DecodeImagesOptions {
  /** Size and channel count every image is converted to. */
  readonly image: ImageSpec;
  /** Directory relative image paths are resolved against. Default: the manifest's directory. */
  readonly root?: string;
  /**
   * The classes, in id order. A label not in this list is an error. Default: every label that occurs, sorted by code
   * unit (locale-independent).
   */
  readonly classNames?: readonly string[];
  /** Separator between the labels of one image. Default `;`. */
  readonly labelSeparator?: string;
  /** CSV field delimiter. Default `,`. */
  readonly delimiter?: string;
}

/** Images loaded by {@link loadManifest}. */
export interface ManifestImages extends MultiLabelImages {
  /** The manifest read. */
  readonly manifest: string;
  /** The `path` value of each loaded image, as written in the manifest, in the order of `targets`. */
  readonly paths: readonly string[];
  /** Images that could not be decoded and were left out (`skipUnreadable`), with resolved paths. */
  readonly skipped: readonly SkippedImage[];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Loads a multi-label data set from a manifest CSV with a header and the columns `path` and `labels` (other columns
 * are ignored), e.g.
 *
 * ```csv
 * path,labels
 * images/0001.jpg,cat;dog
 * images/0002.png,dog
 * images/0003.webp,
 * ```
 *
 * `labels` holds the image's classes separated by `;` (spaces around them are ignored, repeats count once; an empty
 * field means no class is present). The CSV is read with the runtime's `readCsvTable` (plain or gzip, quoted fields,
 * CRLF). Images are decoded to `options.image` (fixed size and channel count, see {@link decodeImage}).
 *
 * Rows in errors are 1-based and count the header as row 1: they are line numbers unless blank lines or quoted line
 * breaks come before them (the CSV reader skips blank lines).
 *
 * @throws DataFileError naming the manifest and, where it applies, the row and column: a binary file or invalid UTF-8
 *   (with the byte offset), a missing column, an empty path, a path whose file does not exist or is a folder (never
 *   skipped: the manifest itself is wrong), a label not in `classNames`, an image that cannot be decoded (naming the
 *   image path too) unless `skipUnreadable` is set.
 */
export async function loadManifest(manifest: string, options: ManifestOptions): Promise<ManifestImages> {
  validateImageSpec(options.image);
  const separator = options.labelSeparator ?? ';';
  if (separator.length === 0) throw new ConfigError('labelSeparator', 'must not be empty');
  if (options.classNames !== undefined) {
    const seen = new Set<string>();
    for (const name of options.classNames) {
      if (name.trim() === '' || seen.has(name)) {
        throw new ConfigError('classNames', `must be distinct and non-empty, got ${JSON.stringify(name)} twice or empty`);
      }
      seen.add(name);
    }
  }
  // Binary content and invalid UTF-8 first: the CSV reader would turn them into U+FFFD and report damaged paths.
  requireTextBytes((await readMaybeGzip(manifest)).bytes, manifest, 'a CSV manifest (path,labels)');
  const table = await readCsvTable(manifest, {
    columns: { path: 'utf8', labels: 'utf8' },
    naValues: [],
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
  });
  const root = options.root ?? dirname(manifest);
  const pathColumn = table.getChild('path');
  const labelColumn = table.getChild('labels');
  const rawPaths: string[] = [];
  const rowLabels: string[][] = [];
  for (let r = 0; r < table.numRows; r += 1) {
    const row = r + 2;
    const path = String(pathColumn?.get(r) ?? '').trim();
    if (path === '') throw new DataFileError({ file: manifest, row, column: 'path' }, 'is empty');
    const labels = [
      ...new Set(
        String(labelColumn?.get(r) ?? '')
          .split(separator)
          .map((label) => label.trim())
          .filter((label) => label !== ''),
      ),
    ];
    rawPaths.push(path);
    rowLabels.push(labels);
  }
  if (rawPaths.length === 0) throw new DataFileError({ file: manifest }, 'lists no images');

  const classNames = options.classNames ?? [...new Set(rowLabels.flat())].sort(byCodeUnit);
  const classIds = new Map(classNames.map((name, id) => [name, id]));
  rowLabels.forEach((labels, r) => {
    for (const label of labels) {
      if (!classIds.has(label)) {
        throw new DataFileError(
          { file: manifest, row: r + 2, column: 'labels' },
          `label ${JSON.stringify(label)} is not one of the classes (${classNames.join(', ')})`,
        );
      }
    }
  });

  const resolved = rawPaths.map((path) => resolve(root, path));
  const kinds = await Promise.all(
    resolved.map((path) =>
      stat(path).then(
        (s) => (s.isFile() ? 'file' : s.isDirectory() ? 'folder' : 'other'),
        () => 'missing',
      ),
    ),
  );
  const bad = kinds.findIndex((kind) => kind !== 'file');
  if (bad >= 0) {
    const what = kinds[bad] === 'missing' ? 'not found' : kinds[bad] === 'folder' ? 'is a folder, not an image file' : 'is not a regular file';
    throw new DataFileError(
      { file: manifest, row: bad + 2, column: 'path' },
      `image ${JSON.stringify(rawPaths[bad])} ${what} (resolved to ${resolved[bad]})`,
    );
  }

  let decoded;
  try {
    decoded = await decodeImages(resolved, options.image, {
      ...options,
      progressLabel: options.progressLabel ?? `decode ${manifest}`,
    });
  } catch (error) {
    const index = error instanceof DataFileError ? resolved.indexOf(error.file) : -1;
    if (index < 0) throw error;
    throw new DataFileError(
      { file: manifest, row: index + 2, column: 'path' },
      `image ${(error as DataFileError).message}`,
      { cause: error },
    );
  }
  const numClasses = classNames.length;
  const targets = new Uint8Array(decoded.kept.length * numClasses);
  decoded.kept.forEach((index, row) => {
    for (const label of rowLabels[index] as string[]) targets[row * numClasses + (classIds.get(label) as number)] = 1;
  });
  return {
    manifest,
    pixels: decoded.pixels,
    targets,
    count: decoded.kept.length,
    height: options.image.height,
    width: options.image.width,
    channels: options.image.channels,
    classNames,
    paths: Array.from(decoded.kept, (index) => rawPaths[index] as string),
    skipped: decoded.skipped,
  };
}
