import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError } from '@counterweight/runtime';

import { loadFashionMnist } from './fashion-mnist.js';
import { DEFAULT_IDX_DIR, writeIdxFile } from './idx.js';
import { classCounts, selectImages, type LabeledImages } from './image-set.js';

/** How the embedded sample was drawn from Fashion-MNIST: the first images of each class, in file order. */
export const EMBEDDED_SAMPLE_SIZE = { trainPerClass: 150, testPerClass: 100 } as const;

/**
 * The directory of the embedded Fashion-MNIST sample (`apps/imbalanced-vision/data/fashion-mnist-sample/`: four
 * MNIST-format `.gz` files, 1,500 training and 1,000 test images, about 1.1 MB; see `data/README.md`). Load it with
 * `loadFashionMnist(embeddedSampleDir())`. The path is the same from the TypeScript sources and from `dist/`.
 */
export function embeddedSampleDir(): string {
  return fileURLToPath(new URL('../../data/fashion-mnist-sample', import.meta.url));
}

/**
 * Row indices of the first `perClass` images of every class, in increasing row order (so the classes stay
 * interleaved as in the source file).
 * @throws ConfigError when a class has fewer than `perClass` images.
 */
export function firstPerClass(labels: Int32Array, numClasses: number, perClass: number): Int32Array {
  if (!Number.isSafeInteger(perClass) || perClass < 1) throw new ConfigError('perClass', `must be a positive integer, got ${perClass}`);
  const counts = classCounts(labels, numClasses);
  counts.forEach((n, c) => {
    if (n < perClass) throw new ConfigError('perClass', `class ${c} has ${n} images, fewer than ${perClass}`);
  });
  const taken = new Array<number>(numClasses).fill(0);
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i += 1) {
    const c = labels[i] as number;
    if ((taken[c] as number) < perClass) {
      taken[c] = (taken[c] as number) + 1;
      rows.push(i);
    }
  }
  return Int32Array.from(rows);
}

/** What {@link writeFashionMnistSample} wrote. */
export interface WrittenSample {
  readonly dir: string;
  /** Source row of each sample image, training and test. */
  readonly trainRows: Int32Array;
  readonly testRows: Int32Array;
}

async function writePair(dir: string, prefix: string, images: LabeledImages): Promise<void> {
  await writeIdxFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), {
    data: images.pixels,
    shape: [images.count, images.height, images.width],
  });
  await writeIdxFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), { data: Uint8Array.from(images.labels), shape: [images.count] });
}

/**
 * (Re)builds the embedded sample: the first `trainPerClass` training and `testPerClass` test images of every class
 * of the full Fashion-MNIST in `sourceDir`, bytes unchanged, written as gzip (level 9) IDX files named like the
 * originals into `outDir`.
 */
export async function writeFashionMnistSample(
  sourceDir: string = DEFAULT_IDX_DIR,
  outDir: string = embeddedSampleDir(),
  size: { readonly trainPerClass: number; readonly testPerClass: number } = EMBEDDED_SAMPLE_SIZE,
): Promise<WrittenSample> {
  const full = await loadFashionMnist(sourceDir);
  const numClasses = full.train.classNames.length;
  const trainRows = firstPerClass(full.train.labels, numClasses, size.trainPerClass);
  const testRows = firstPerClass(full.test.labels, numClasses, size.testPerClass);
  await writePair(outDir, 'train', selectImages(full.train, trainRows));
  await writePair(outDir, 't10k', selectImages(full.test, testRows));
  return { dir: outDir, trainRows, testRows };
}
