import { join } from 'node:path';

import sharp from 'sharp';

import { DEFAULT_IDX_DIR, readIdxPair } from '../idx.js';

/** Real Fashion-MNIST test images encoded as image files by sharp, for the loaders' bad-input corpora. */
export interface FashionImageFiles {
  /** One PNG per image (28×28 grey), in file order. */
  readonly png: readonly Buffer[];
  /** The same images as JPEG (quality 90). */
  readonly jpeg: readonly Buffer[];
  /** The same images as WebP (quality 90). */
  readonly webp: readonly Buffer[];
  /** Each image's label (0–9). */
  readonly labels: readonly number[];
}

/**
 * The first `count` images of Debian's Fashion-MNIST test set (`dataset-fashion-mnist`, t10k files), each encoded as
 * PNG, JPEG and WebP with sharp.
 */
export async function fashionImageFiles(count: number): Promise<FashionImageFiles> {
  const test = await readIdxPair(join(DEFAULT_IDX_DIR, 't10k-images-idx3-ubyte.gz'), join(DEFAULT_IDX_DIR, 't10k-labels-idx1-ubyte.gz'), 10);
  const size = test.height * test.width;
  const raw = (i: number) =>
    sharp(Buffer.from(test.pixels.subarray(i * size, (i + 1) * size)), { raw: { width: test.width, height: test.height, channels: 1 } });
  const indices = Array.from({ length: count }, (_, i) => i);
  return {
    png: await Promise.all(indices.map((i) => raw(i).png().toBuffer())),
    jpeg: await Promise.all(indices.map((i) => raw(i).jpeg({ quality: 90 }).toBuffer())),
    webp: await Promise.all(indices.map((i) => raw(i).webp({ quality: 90 }).toBuffer())),
    labels: indices.map((i) => test.labels[i] as number),
  };
}
