import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';

import { ConfigError, DataFileError, createProgress } from '@counterweight/runtime';
import sharp from 'sharp';

/** File extensions (lower case) the image loaders decode: JPEG, PNG and WebP. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

/** True when `path` has one of {@link IMAGE_EXTENSIONS} (case-insensitive). */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * What every decoded image is converted to, whatever the file holds: `height × width` pixels, `channels` channels
 * (1 = grey, 3 = sRGB), 8 bits per channel, row-major HWC. sharp's defaults (input-dependent channel count and
 * depth) are never used.
 */
export interface ImageSpec {
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /**
   * How the image is fitted to `height × width` (sharp's `resize` `fit`): `cover` (default) keeps the aspect ratio
   * and crops the centre, `contain` keeps it and pads with `background`, `fill` stretches.
   */
  readonly fit?: 'cover' | 'contain' | 'fill';
  /**
   * Grey level (0–255) that transparent pixels are composited onto (sharp `flatten`, which also drops the alpha
   * channel) and that `contain` pads with. Default 0 (black, the background of Fashion-MNIST).
   */
  readonly background?: number;
}

/** Checks an {@link ImageSpec}. @throws ConfigError naming the field. */
export function validateImageSpec(spec: ImageSpec): void {
  for (const key of ['height', 'width'] as const) {
    const value = spec[key];
    if (!Number.isInteger(value) || value < 1 || value > 4096) {
      throw new ConfigError(`image ${key}`, `must be an integer in 1..4096, got ${String(value)}`);
    }
  }
  if (spec.channels !== 1 && spec.channels !== 3) {
    throw new ConfigError('image channels', `must be 1 (grey) or 3 (RGB), got ${String(spec.channels)}`);
  }
  if (spec.fit !== undefined && !['cover', 'contain', 'fill'].includes(spec.fit)) {
    throw new ConfigError('image fit', `must be cover, contain or fill, got ${String(spec.fit)}`);
  }
  const background = spec.background ?? 0;
  if (!Number.isInteger(background) || background < 0 || background > 255) {
    throw new ConfigError('image background', `must be an integer grey level in 0..255, got ${String(spec.background)}`);
  }
}

/** Formats told apart by their first bytes, for messages (sharp decodes more, e.g. GIF, TIFF, AVIF). */
const SIGNATURES: ReadonlyArray<readonly [string, (b: Uint8Array) => boolean]> = [
  ['PNG', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['JPEG', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['WebP', (b) => b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'],
  ['GIF', (b) => String.fromCharCode(...b.subarray(0, 4)) === 'GIF8'],
];

/** The image format `bytes` start with (`PNG`, `JPEG`, `WebP`, `GIF`), or undefined. */
export function sniffImageFormat(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find(([, test]) => test(bytes))?.[0];
}

/** What a file that is no image looks like, without echoing its bytes: text, or its first four bytes in hex. */
function describeContent(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 256);
  const texty = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f));
  if (texty) return 'it looks like a text file';
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it starts with the bytes ${hex}`;
}

/** sharp's reason, on one line, without its `Input buffer has corrupt header:` preamble or repeated lines. */
function decoderReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = [...new Set(text.split('\n').map((l) => l.replace(/^Input (buffer|file) has corrupt header:\s*/i, '').trim()))];
  return lines.filter((l) => l !== '').join('; ').slice(0, 200);
}

/**
 * Reads an image file's bytes.
 * @throws DataFileError naming the path when it is missing, a folder, unreadable or empty.
 */
async function readImageBytes(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not an image file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? String(error)})`;
    throw new DataFileError({ file: path }, reason, { cause: error });
  }
  if (bytes.length === 0) throw new DataFileError({ file: path }, 'is empty (0 bytes), not an image');
  return bytes;
}

/**
 * Decodes one image file with sharp into `height × width × channels` bytes (row-major HWC): EXIF orientation
 * applied, alpha composited onto the background, converted to grey (`b-w`) or sRGB, resized with `fit`.
 * Decoder warnings (e.g. a truncated JPEG) count as failures.
 * @throws DataFileError naming the path and the problem: the file is missing, a folder or empty; its content is not an
 *   image (text, unknown bytes); or it is a truncated or corrupt PNG/JPEG/WebP (with its size and the decoder's reason).
 */
export async function decodeImage(path: string, spec: ImageSpec): Promise<Uint8Array> {
  const grey = spec.background ?? 0;
  const bytes = await readImageBytes(path);
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await sharp(bytes, { failOn: 'warning', autoOrient: true })
      .flatten({ background: { r: grey, g: grey, b: grey } })
      .toColourspace(spec.channels === 1 ? 'b-w' : 'srgb')
      .resize(spec.width, spec.height, {
        fit: spec.fit ?? 'cover',
        background: { r: grey, g: grey, b: grey },
      })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const reason = decoderReason(error);
    const message = /unsupported image format/i.test(reason)
      ? `cannot decode image: not a JPEG, PNG or WebP file (${describeContent(bytes)})`
      : `cannot decode image: ${sniffImageFormat(bytes) ?? 'image'} data truncated or corrupt (${bytes.length} bytes; decoder: ${reason})`;
    throw new DataFileError({ file: path }, message, { cause: error });
  }
  const { data, info } = decoded;
  const expected = spec.height * spec.width * spec.channels;
  if (info.channels !== spec.channels || info.width !== spec.width || info.height !== spec.height || data.length !== expected) {
    throw new DataFileError(
      { file: path },
      `cannot decode image: decoded to ${info.width}×${info.height}×${info.channels} (${data.length} bytes), ` +
        `expected ${spec.width}×${spec.height}×${spec.channels}`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** An image left out by {@link decodeImages} with `skipUnreadable`. */
export interface SkippedImage {
  readonly path: string;
  readonly reason: string;
}

/** Options of {@link decodeImages}. */
export interface DecodeImagesOptions {
  /** Leave out images that cannot be decoded (listed in `skipped`) instead of failing. Default false. */
  readonly skipUnreadable?: boolean;
  /** Images decoded at the same time. Default: the number of cores. */
  readonly concurrency?: number;
  /** Progress bar label (see the runtime's `createProgress`). Default `decode images`. */
  readonly progressLabel?: string;
  /** Suppress the progress bar. Default: the runtime's quiet setting (`COUNTERWEIGHT_QUIET`, `CI`). */
  readonly quiet?: boolean;
}

/** Result of {@link decodeImages}. */
export interface DecodedImages {
  /** The decoded images one after another (`kept.length × height × width × channels` bytes, NHWC). */
  readonly pixels: Uint8Array;
  /** Index (into the input paths) of each decoded image, in input order. */
  readonly kept: Int32Array;
  /** Images that could not be decoded, in input order (only with `skipUnreadable`). */
  readonly skipped: readonly SkippedImage[];
}

/**
 * Decodes many image files with {@link decodeImage}, a few at a time, keeping the input order.
 * @throws DataFileError naming the first unreadable path (in input order) unless `skipUnreadable` is set; decoding
 *   stops at the first failure.
 */
export async function decodeImages(paths: readonly string[], spec: ImageSpec, options: DecodeImagesOptions = {}): Promise<DecodedImages> {
  validateImageSpec(spec);
  const size = spec.height * spec.width * spec.channels;
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError('concurrency', `must be a positive integer, got ${String(options.concurrency)}`);
  }
  const decoded: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(paths.length);
  const failures: (string | undefined)[] = new Array<string | undefined>(paths.length);
  const progress = createProgress({
    total: paths.length,
    label: options.progressLabel ?? 'decode images',
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const errors: (Error | undefined)[] = new Array<Error | undefined>(paths.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < paths.length && !failed) {
      const index = next;
      next += 1;
      try {
        decoded[index] = await decodeImage(paths[index] as string, spec);
      } catch (error) {
        errors[index] = error instanceof Error ? error : new Error(String(error));
        failures[index] = error instanceof DataFileError ? error.message.slice(error.file.length + 2) : String(error);
        if (options.skipUnreadable !== true) failed = true;
      }
      progress.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, paths.length)) }, worker));
  } finally {
    progress.stop();
  }
  if (failed) {
    // Images are started in order and every started one has finished, so this is the first unreadable path.
    throw errors.find((error) => error !== undefined) as Error;
  }
  const kept: number[] = [];
  const skipped: SkippedImage[] = [];
  for (let i = 0; i < paths.length; i += 1) {
    if (decoded[i] === undefined) skipped.push({ path: paths[i] as string, reason: failures[i] ?? 'not decoded' });
    else kept.push(i);
  }
  const pixels = new Uint8Array(kept.length * size);
  kept.forEach((index, row) => pixels.set(decoded[index] as Uint8Array, row * size));
  return { pixels, kept: Int32Array.from(kept), skipped };
}
