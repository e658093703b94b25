import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import { SeededRandom } from '@counterweight/runtime';

/** Fashion-MNIST's pixel mean (of values in [0, 1]), the usual normalisation. */
export const FASHION_MEAN = 0.286;
/** Fashion-MNIST's pixel standard deviation (of values in [0, 1]). */
export const FASHION_STD = 0.353;

/** Images `[count, side, side, 1]` (NHWC, normalised) and class ids. */
export interface ImageBatch {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly side: number;
}

/**
 * Learnable, Fashion-MNIST-looking test images: per class a filled silhouette (an ellipse whose size, aspect and
 * position depend on the class) with a class-dependent stripe texture, random jitter, pixel noise and a black
 * background; pixel values in [0, 1] normalised like Fashion-MNIST. Deterministic in `seed`.
 */
export function syntheticImages(count: number, side: number, numClasses: number, seed: number): ImageBatch {
  const random = SeededRandom.fromSeed(seed, 'test-images');
  const images = new Float32Array(count * side * side);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n += 1) {
    const label = n % numClasses;
    labels[n] = label;
    const phase = label / numClasses;
    const cx = side * (0.5 + 0.15 * Math.cos(2 * Math.PI * phase)) + random.normal(0, side / 40);
    const cy = side * (0.5 + 0.15 * Math.sin(2 * Math.PI * phase)) + random.normal(0, side / 40);
    const rx = side * (0.18 + 0.2 * phase);
    const ry = side * (0.38 - 0.2 * phase);
    const stripes = 2 + (label % 4);
    const brightness = 0.6 + 0.4 * random.uniform();
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
        const texture = 0.75 + 0.25 * Math.sin((2 * Math.PI * stripes * y) / side);
        const value = inside ? Math.min(1, Math.max(0, brightness * texture + random.normal(0, 0.05))) : 0;
        images[(n * side + y) * side + x] = (value - FASHION_MEAN) / FASHION_STD;
      }
    }
  }
  return { images, labels, count, side };
}

/** Debian's `dataset-fashion-mnist` test images, when installed. */
export const FASHION_MNIST_TEST_IMAGES = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/**
 * The first `count` real Fashion-MNIST test images (28×28, normalised), or undefined when the Debian package is not
 * installed. (Test-only reader; the app's IDX loader lives in `src/data/`.)
 */
export function fashionMnistImages(count: number): ImageBatch | undefined {
  if (!existsSync(FASHION_MNIST_TEST_IMAGES)) return undefined;
  const bytes = gunzipSync(readFileSync(FASHION_MNIST_TEST_IMAGES));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x803 || view.getUint32(8) !== 28 || view.getUint32(12) !== 28) {
    throw new Error(`${FASHION_MNIST_TEST_IMAGES}: not an IDX file of 28×28 images`);
  }
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i += 1) images[i] = ((bytes[16 + i] ?? 0) / 255 - FASHION_MEAN) / FASHION_STD;
  return { images, labels: new Int32Array(count), count, side: 28 };
}
