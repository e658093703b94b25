import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';

import { decodeImages, validateImageSpec, type DecodeImagesOptions, type ImageSpec, type SkippedImage } from './decode-image.js';
import type { LabeledImages } from './image-set.js';
import { byCodeUnit, listImageFiles } from './list-images.js';

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions extends DecodeImagesOptions {
  /** Size and channel count every image is converted to. */
  readonly image: ImageSpec;
}

/** Images loaded by {@link loadImageFolder}. */
export interface ImageFolder extends LabeledImages {
  /** The folder read. */
  readonly root: string;
  /** Path of each loaded image relative to `root` (`<class>/<file>`), in the order of `labels`. */
  readonly paths: readonly string[];
  /** Images that could not be decoded and were left out (`skipUnreadable`), with full paths. */
  readonly skipped: readonly SkippedImage[];
}

/**
 * Loads a classification data set stored as one sub-folder per class (`root/<class>/**\/*.jpg|jpeg|png|webp`, the
 * torchvision `ImageFolder` layout). Class names are the folder names sorted by code unit (locale-independent);
 * class id = position in that order. Images are searched recursively inside each class folder, taken in sorted path
 * order, and decoded to `options.image` (fixed size and channel count, see {@link decodeImage}). Hidden files and
 * folders and files with other extensions are ignored.
 *
 * @throws DataFileError naming the path when `root` is missing, a file or has no class folders, a class folder has no
 *   images (also after skipping unreadable ones) or a broken symbolic link, or an image cannot be decoded and
 *   `skipUnreadable` is not set.
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions): Promise<ImageFolder> {
  validateImageSpec(options.image);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOTDIR'
        ? 'is a file, expected a folder with one sub-folder of images per class'
        : code === 'ENOENT'
          ? 'directory not found'
          : `cannot be listed (${code ?? String(error)})`;
    throw new DataFileError({ file: root }, reason, { cause: error });
  }
  const classNames = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort(byCodeUnit);
  if (classNames.length === 0) {
    throw new DataFileError({ file: root }, 'holds no class folders (expected one sub-folder of images per class)');
  }
  const relativePaths: string[] = [];
  const pathLabels: number[] = [];
  for (const [classId, name] of classNames.entries()) {
    const classDir = join(root, name);
    const files = await listImageFiles(classDir);
    if (files.length === 0) throw new DataFileError({ file: classDir }, 'class folder holds no JPEG, PNG or WebP images');
    for (const file of files) {
      relativePaths.push(join(name, file));
      pathLabels.push(classId);
    }
  }
  const decoded = await decodeImages(
    relativePaths.map((path) => join(root, path)),
    options.image,
    { ...options, progressLabel: options.progressLabel ?? `decode ${root}` },
  );
  const labels = Int32Array.from(decoded.kept, (index) => pathLabels[index] as number);
  const present = new Set(labels);
  for (const [classId, name] of classNames.entries()) {
    if (!present.has(classId)) {
      throw new DataFileError({ file: join(root, name) }, 'class folder holds no readable image (all were skipped)');
    }
  }
  return {
    root,
    pixels: decoded.pixels,
    labels,
    count: labels.length,
    height: options.image.height,
    width: options.image.width,
    channels: options.image.channels,
    classNames,
    paths: Array.from(decoded.kept, (index) => relativePaths[index] as string),
    skipped: decoded.skipped,
  };
}
