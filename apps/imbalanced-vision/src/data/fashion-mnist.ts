import { FASHION_MNIST, type DatasetFile } from '@counterweight/datasets';
import { DataFileError } from '@counterweight/runtime';

import { DEFAULT_IDX_DIR, loadIdxDataset, type IdxDataset } from './idx.js';

/** Fashion-MNIST's ten classes, by label id (from the data set's README). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * The four files of Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence), each with the size and SHA-256 of its
 * decompressed IDX content and its download locations: the registry entry of `@counterweight/datasets`
 * (`FASHION_MNIST.files`), which `fetch` verifies against.
 */
export const FASHION_MNIST_FILES: readonly DatasetFile[] = FASHION_MNIST.files;

/**
 * Loads Fashion-MNIST (or a sample of it, such as the embedded one) from an MNIST-format directory with
 * {@link loadIdxDataset}, naming the ten classes. Default: Debian's copy in {@link DEFAULT_IDX_DIR}.
 * @throws DataFileError as {@link loadIdxDataset}, and when the images are not 28×28.
 */
export async function loadFashionMnist(dir: string = DEFAULT_IDX_DIR): Promise<IdxDataset> {
  const dataset = await loadIdxDataset(dir, { classNames: FASHION_MNIST_CLASSES });
  if (dataset.train.height !== 28 || dataset.train.width !== 28) {
    throw new DataFileError(
      { file: dataset.files.trainImages },
      `images are ${dataset.train.height}×${dataset.train.width}; Fashion-MNIST's are 28×28`,
    );
  }
  return dataset;
}
