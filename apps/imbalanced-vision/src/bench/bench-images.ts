import { existsSync } from 'node:fs';

import { ConfigError, type InMemoryDataset } from '@counterweight/runtime';

import { loadFashionMnist } from '../data/fashion-mnist.js';
import { DEFAULT_IDX_DIR } from '../data/idx.js';
import { selectImages, type LabeledImages } from '../data/image-set.js';
import { fitChannelStats } from '../data/normalize.js';
import { embeddedSampleDir } from '../data/sample.js';
import { imagesToDataset } from '../data/to-dataset.js';

/** The real images the benchmark trains on and where they came from. */
export interface BenchImages {
  /** `debian`: the full Fashion-MNIST of `dataset-fashion-mnist`; `embedded-sample`: the 1,500-image sample. */
  readonly source: 'debian' | 'embedded-sample';
  readonly dir: string;
  /** The training split. */
  readonly train: LabeledImages;
  /** Why the Debian copy was not used (only for `embedded-sample`). */
  readonly fallbackReason?: string;
}

/**
 * Loads Fashion-MNIST's training images for the benchmark: Debian's copy in `debianDir` (default
 * `/usr/share/datasets/fashion-mnist`), or the embedded sample when that directory is missing or unreadable.
 */
export async function loadBenchImages(debianDir: string = DEFAULT_IDX_DIR): Promise<BenchImages> {
  let fallbackReason: string;
  if (existsSync(debianDir)) {
    try {
      return { source: 'debian', dir: debianDir, train: (await loadFashionMnist(debianDir)).train };
    } catch (error) {
      fallbackReason = error instanceof Error ? error.message : String(error);
    }
  } else {
    fallbackReason = `${debianDir} does not exist (Debian package dataset-fashion-mnist)`;
  }
  const dir = embeddedSampleDir();
  return { source: 'embedded-sample', dir, train: (await loadFashionMnist(dir)).train, fallbackReason };
}

/**
 * The first `rows` images (file order, classes interleaved) as a runtime data set, normalised with statistics fit
 * on those images: input `[28, 28, 1]` float32, target the class id.
 * @throws ConfigError when there are fewer than `rows` images.
 */
export function benchDataset(images: LabeledImages, rows: number): InMemoryDataset {
  if (!Number.isSafeInteger(rows) || rows < 1 || rows > images.count) {
    throw new ConfigError('rows', `must be an integer in 1..${images.count} (the images available), got ${rows}`);
  }
  const subset = selectImages(images, Int32Array.from({ length: rows }, (_, i) => i));
  return imagesToDataset(subset, { normalization: fitChannelStats(subset) });
}
