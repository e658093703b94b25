import type { Dataset, DatasetFile } from './dataset.js';

/**
 * Zalando Research's download locations of Fashion-MNIST, tried in this order: the S3 website its README links to,
 * then the files in its GitHub repository. Each is a base URL the file names are appended to.
 */
export const FASHION_MNIST_URLS: readonly string[] = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

/** Where Debian's `dataset-fashion-mnist` installs the four files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const file = (name: string, size: number, sha256: string): DatasetFile => ({
  name,
  check: { sha256, size },
  sources: FASHION_MNIST_URLS.map((base) => ({ url: `${base}${name}` })),
});

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): the four gzipped IDX files. Checked by the size and SHA-256 of the
 * decompressed IDX (Debian's `.gz` differ from Zalando's only in the gzip header), as `imbalanced-vision` recorded them
 * from Debian's `dataset-fashion-mnist` 0.0~git20200523.55506a9-1 (re-verified against that copy).
 */
export const FASHION_MNIST: Dataset = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  folder: 'fashion-mnist',
  origin: 'Zalando Research; Xiao, Rasul, Vollgraf (2017), arXiv:1708.07747',
  licence: 'MIT',
  usedBy: ['imbalanced-vision'],
  together: true,
  files: [
    file('train-images-idx3-ubyte.gz', 47_040_016, 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888'),
    file('train-labels-idx1-ubyte.gz', 60_008, 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9'),
    file('t10k-images-idx3-ubyte.gz', 7_840_016, '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b'),
    file('t10k-labels-idx1-ubyte.gz', 10_008, '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34'),
  ],
  localCopies: [{ kind: 'debian', dir: DEBIAN_FASHION_MNIST_DIR, package: 'dataset-fashion-mnist' }],
};
