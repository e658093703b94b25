import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants as zlibConstants, gunzip, gzip } from 'node:zlib';

import { ConfigError, DataFileError, isGzip, writeFileAtomic } from '@counterweight/runtime';

import type { LabeledImages } from './image-set.js';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST (`apt-get install dataset-fashion-mnist`):
 * the default directory of {@link loadIdxDataset}.
 */
export const DEFAULT_IDX_DIR = '/usr/share/datasets/fashion-mnist';

/** IDX data-type code of unsigned bytes, the only type this reader accepts (MNIST-format images and labels use it). */
export const IDX_UBYTE = 0x08;

const IDX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** An n-dimensional array of unsigned bytes as stored in an IDX file: `data` is row-major, `shape` its dimensions. */
export interface IdxArray {
  readonly data: Uint8Array;
  readonly shape: readonly number[];
}

function hex32(bytes: Uint8Array): string {
  return `0x${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Parses the bytes of an (uncompressed) IDX file: a 4-byte magic number `0x00 0x00 <type> <dimensions>`, one
 * big-endian uint32 per dimension, then the data. Only unsigned-byte data (type `0x08`) is accepted.
 *
 * @param file named in errors.
 * @param dimensions the number of dimensions the caller expects (3 for images, 1 for labels); any when omitted.
 * @param gzipped whether `bytes` were decompressed from a gzip file (only changes the wording of errors).
 * @returns a view on `bytes` (no copy).
 * @throws DataFileError naming `file` for a bad magic number, an unsupported type, the wrong number of dimensions,
 *   a zero dimension, or a size that disagrees with the header (expected vs actual bytes).
 */
export function decodeIdx(bytes: Uint8Array, file: string, dimensions?: number, gzipped = false): IdxArray {
  if (bytes.length === 0) {
    throw new DataFileError({ file }, `is empty (0 bytes${gzipped ? ' after gunzip' : ''}), expected an IDX file`);
  }
  if (bytes.length < 4) {
    throw new DataFileError({ file }, `has ${bytes.length} bytes, too short for the 4-byte IDX magic number`);
  }
  const [zero0, zero1, type, ndims] = bytes as unknown as [number, number, number, number];
  if (zero0 !== 0 || zero1 !== 0 || IDX_TYPE_NAMES[type] === undefined || ndims === 0) {
    throw new DataFileError(
      { file },
      `bad magic number ${hex32(bytes)}: not an IDX file (expected 0x0000TTDD, T a type code such as 08, D the number of dimensions)`,
    );
  }
  if (type !== IDX_UBYTE) {
    throw new DataFileError(
      { file },
      `magic number ${hex32(bytes)} declares ${IDX_TYPE_NAMES[type] ?? ''} data; only unsigned bytes (0x08) are supported`,
    );
  }
  if (dimensions !== undefined && ndims !== dimensions) {
    const expected = `0x000008${dimensions.toString(16).padStart(2, '0')}`;
    throw new DataFileError(
      { file },
      `magic number ${hex32(bytes)} declares ${ndims} dimension(s), expected ${dimensions} (magic ${expected}); ` +
        (dimensions === 3 ? 'is this a label file?' : dimensions === 1 ? 'is this an image file?' : 'wrong file?'),
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataFileError(
      { file },
      `truncated header: ${ndims} dimensions need ${headerBytes} header bytes, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let dataBytes = 1;
  for (let d = 0; d < ndims; d += 1) {
    const dim = view.getUint32(4 + 4 * d, false);
    if (dim === 0) throw new DataFileError({ file }, `dimension ${d} is 0 in the header`);
    shape.push(dim);
    dataBytes *= dim;
  }
  const expected = headerBytes + dataBytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'corrupt, trailing bytes';
    throw new DataFileError(
      { file },
      `${what}: the header declares shape [${shape.join(', ')}], i.e. ${expected} bytes ` +
        `(${headerBytes}-byte header + ${dataBytes} data bytes), but the ${gzipped ? 'decompressed content' : 'file'} has ${bytes.length} bytes`,
    );
  }
  return { data: bytes.subarray(headerBytes, expected), shape };
}

/**
 * The bytes of an IDX file for `array`: magic `0x000008<dimensions>`, big-endian dimensions, then the data.
 * @throws ConfigError when the data length is not the product of the shape.
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const size = array.shape.reduce((a, b) => a * b, 1);
  if (array.shape.length === 0 || array.shape.length > 255 || array.shape.some((d) => !Number.isInteger(d) || d < 1 || d > 0xffffffff)) {
    throw new ConfigError('shape', `must hold 1 to 255 positive 32-bit dimensions, got [${array.shape.join(', ')}]`);
  }
  if (array.data.length !== size) {
    throw new ConfigError('data', `has ${array.data.length} bytes but shape [${array.shape.join(', ')}] needs ${size}`);
  }
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + size);
  const view = new DataView(out.buffer);
  out[2] = IDX_UBYTE;
  out[3] = array.shape.length;
  array.shape.forEach((dim, d) => view.setUint32(4 + 4 * d, dim, false));
  out.set(array.data, header);
  return out;
}

/**
 * Gunzips `raw` when it starts with the gzip magic bytes; otherwise returns it as is. `gzipped` says which.
 * @param file named in errors.
 * @throws DataFileError naming `file` when the gzip stream is corrupt or truncated.
 */
export async function maybeGunzip(raw: Uint8Array, file: string): Promise<{ readonly bytes: Uint8Array; readonly gzipped: boolean }> {
  if (!isGzip(raw)) return { bytes: raw, gzipped: false };
  try {
    return { bytes: await gunzipAsync(raw), gzipped: true };
  } catch (error) {
    throw new DataFileError(
      { file },
      `gzip data is corrupt or truncated (${raw.length} compressed bytes): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Reads a whole file, gunzipping it when it starts with the gzip magic bytes (whatever its name); `gzipped` says
 * whether it did.
 * @throws DataFileError naming the file when it is missing or its gzip stream is corrupt or truncated.
 */
export async function readMaybeGzip(path: string): Promise<{ readonly bytes: Uint8Array; readonly gzipped: boolean }> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, expected a file' : `cannot be read (${code ?? String(error)})`;
    throw new DataFileError({ file: path }, reason, { cause: error });
  }
  return maybeGunzip(raw, path);
}

/**
 * Reads an IDX file, plain or gzip (detected by its magic bytes). See {@link decodeIdx} for the checks.
 * @param dimensions the number of dimensions expected (3 for images, 1 for labels).
 */
export async function readIdxFile(path: string, dimensions?: number): Promise<IdxArray> {
  const { bytes, gzipped } = await readMaybeGzip(path);
  return decodeIdx(bytes, path, dimensions, gzipped);
}

/**
 * Writes `array` as an IDX file, atomically (temporary sibling, then rename). Gzip-compressed (level 9) when `gzip`
 * is true, by default when `path` ends in `.gz`.
 */
export async function writeIdxFile(path: string, array: IdxArray, options: { readonly gzip?: boolean } = {}): Promise<void> {
  const bytes = encodeIdx(array);
  const compress = options.gzip ?? path.toLowerCase().endsWith('.gz');
  await writeFileAtomic(path, compress ? await gzipAsync(bytes, { level: zlibConstants.Z_BEST_COMPRESSION }) : bytes);
}

/** Paths of the four files of an MNIST-format data set. */
export interface IdxFiles {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

const FILE_PATTERNS: Readonly<Record<keyof IdxFiles, { readonly pattern: RegExp; readonly describe: string }>> = {
  trainImages: { pattern: /^(?:.*[-_.])?train-images[-.]idx3-ubyte(?:\.gz)?$/i, describe: '*train-images-idx3-ubyte[.gz]' },
  trainLabels: { pattern: /^(?:.*[-_.])?train-labels[-.]idx1-ubyte(?:\.gz)?$/i, describe: '*train-labels-idx1-ubyte[.gz]' },
  testImages: {
    pattern: /^(?:.*[-_.])?(?:t10k|test)-images[-.]idx3-ubyte(?:\.gz)?$/i,
    describe: '*t10k-images-idx3-ubyte[.gz] or *test-images-idx3-ubyte[.gz]',
  },
  testLabels: {
    pattern: /^(?:.*[-_.])?(?:t10k|test)-labels[-.]idx1-ubyte(?:\.gz)?$/i,
    describe: '*t10k-labels-idx1-ubyte[.gz] or *test-labels-idx1-ubyte[.gz]',
  },
};

/**
 * Finds the four MNIST-format files in `dir`: `*train-images-idx3-ubyte[.gz]`, `*train-labels-idx1-ubyte[.gz]`, and
 * the test pair named `t10k-…` (MNIST, Fashion-MNIST) or `test-…`; any prefix ending in `-`, `_` or `.` is allowed
 * (e.g. EMNIST's `emnist-balanced-train-images-idx3-ubyte.gz`), and `.` may replace the `-` before `idx`.
 * @throws DataFileError naming the directory when it is missing, a file is missing, or a file is ambiguous.
 */
export async function findIdxFiles(dir: string): Promise<IdxFiles> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new DataFileError({ file: dir }, 'is a file, expected a directory of MNIST-format (IDX) files');
    }
    names = (await readdir(dir)).sort();
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError({ file: dir }, 'directory not found', { cause: error });
  }
  const shown = names.length === 0 ? 'nothing' : names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;
  const pick = (key: keyof IdxFiles): string => {
    const { pattern, describe } = FILE_PATTERNS[key];
    const matches = names.filter((name) => pattern.test(name));
    if (matches.length === 0) {
      throw new DataFileError(
        { file: dir },
        `no ${describe} file in this directory (it holds: ${shown})`,
      );
    }
    if (matches.length > 1) {
      throw new DataFileError({ file: dir }, `several files match ${describe}: ${matches.join(', ')}; keep one`);
    }
    return join(dir, matches[0] as string);
  };
  return {
    trainImages: pick('trainImages'),
    trainLabels: pick('trainLabels'),
    testImages: pick('testImages'),
    testLabels: pick('testLabels'),
  };
}

/** Images and labels read from one IDX pair (before class names are attached). */
export interface IdxImagesAndLabels {
  /** `count × height × width` bytes, one channel. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Reads an image file (3-dimensional IDX) and its label file (1-dimensional IDX) and checks that they agree.
 * @param numClasses when given, every label must be below it.
 * @throws DataFileError naming the file: see {@link decodeIdx}, plus an images/labels count mismatch and a label
 *   outside `0..numClasses-1` (naming the item).
 */
export async function readIdxPair(imagesPath: string, labelsPath: string, numClasses?: number): Promise<IdxImagesAndLabels> {
  const [images, labelArray] = await Promise.all([readIdxFile(imagesPath, 3), readIdxFile(labelsPath, 1)]);
  const [count, height, width] = images.shape as [number, number, number];
  const labelCount = labelArray.shape[0] as number;
  if (labelCount !== count) {
    throw new DataFileError({ file: labelsPath }, `holds ${labelCount} labels but ${imagesPath} holds ${count} images`);
  }
  const labels = Int32Array.from(labelArray.data);
  if (numClasses !== undefined) {
    for (let i = 0; i < labels.length; i += 1) {
      if ((labels[i] as number) >= numClasses) {
        throw new DataFileError(
          { file: labelsPath },
          `label ${labels[i]} of item ${i} (0-based) is outside the class range 0..${numClasses - 1}`,
        );
      }
    }
  }
  return { pixels: images.data, labels, count, height, width };
}

/** Options of {@link loadIdxDataset}. */
export interface LoadIdxOptions {
  /** Names of the classes; their number is the class count. Default: `'0'`, `'1'`, … up to the largest training label. */
  readonly classNames?: readonly string[];
  /** Number of classes when no names are given; every label must be below it. Default: largest training label + 1. */
  readonly numClasses?: number;
}

/** A training and a test split of an MNIST-format data set (one channel). */
export interface IdxDataset {
  readonly train: LabeledImages;
  readonly test: LabeledImages;
  /** The files read. */
  readonly files: IdxFiles;
}

/**
 * Loads an MNIST-format data set (training and test images and labels, plain or gzip) from a directory (see
 * {@link findIdxFiles}) or from explicit paths. Default directory: {@link DEFAULT_IDX_DIR} (Fashion-MNIST from
 * Debian). Pixels are uint8, one channel, NHWC; the returned arrays are views on the decompressed files (no copies).
 *
 * @throws DataFileError naming the file for a missing, truncated or corrupt file, a wrong magic number, a count
 *   mismatch between images and labels, a label outside the class range, or test images whose size differs from the
 *   training images'.
 */
export async function loadIdxDataset(source: string | IdxFiles = DEFAULT_IDX_DIR, options: LoadIdxOptions = {}): Promise<IdxDataset> {
  if (options.classNames !== undefined && options.numClasses !== undefined && options.classNames.length !== options.numClasses) {
    throw new ConfigError('numClasses', `is ${options.numClasses} but ${options.classNames.length} class names are given`);
  }
  const files = typeof source === 'string' ? await findIdxFiles(source) : source;
  const declared = options.classNames?.length ?? options.numClasses;
  const train = await readIdxPair(files.trainImages, files.trainLabels, declared);
  let numClasses = declared;
  if (numClasses === undefined) {
    let max = 0;
    for (const label of train.labels) if (label > max) max = label;
    numClasses = max + 1;
  }
  const test = await readIdxPair(files.testImages, files.testLabels, numClasses);
  if (test.height !== train.height || test.width !== train.width) {
    throw new DataFileError(
      { file: files.testImages },
      `images are ${test.height}×${test.width} but the training images (${files.trainImages}) are ${train.height}×${train.width}`,
    );
  }
  const classNames = options.classNames ?? Array.from({ length: numClasses }, (_, c) => String(c));
  const withNames = (split: IdxImagesAndLabels): LabeledImages => ({ ...split, channels: 1, classNames });
  return { train: withNames(train), test: withNames(test), files };
}
