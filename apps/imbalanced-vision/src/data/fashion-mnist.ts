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

/** One of Fashion-MNIST's four files and how to recognise it. */
export interface FashionMnistFile {
  /** File name, as published and as Debian installs it. */
  readonly name: string;
  /** Size of the `.gz` file published by Zalando Research. */
  readonly gzipSize: number;
  /** MD5 of the `.gz` file published by Zalando Research (in its README). */
  readonly gzipMd5: string;
  /** Size of the decompressed IDX file. */
  readonly size: number;
  /**
   * SHA-256 of the decompressed IDX file. Debian's `.gz` files differ from Zalando's only in the gzip header (no
   * original file name, a different time stamp: 24 or 23 bytes smaller, same deflate stream), so this identifies the
   * data whichever copy it came from.
   */
  readonly sha256: string;
}

/**
 * The four files of Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence). The decompressed hashes were computed
 * from Debian's `dataset-fashion-mnist` 0.0~git20200523.55506a9-1 with `gzip -dc FILE | sha256sum`.
 */
export const FASHION_MNIST_FILES: readonly FashionMnistFile[] = [
  {
    name: 'train-images-idx3-ubyte.gz',
    gzipSize: 26_421_880,
    gzipMd5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    size: 47_040_016,
    sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  {
    name: 'train-labels-idx1-ubyte.gz',
    gzipSize: 29_515,
    gzipMd5: '25c81989df183df01b3e8a0aad5dffbe',
    size: 60_008,
    sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  {
    name: 't10k-images-idx3-ubyte.gz',
    gzipSize: 4_422_102,
    gzipMd5: 'bef4ecab320f06d8554ea6380940ec79',
    size: 7_840_016,
    sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  {
    name: 't10k-labels-idx1-ubyte.gz',
    gzipSize: 5_148,
    gzipMd5: 'bb300cfdad3c16e7a12a480ee83cd310',
    size: 10_008,
    sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
];

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
