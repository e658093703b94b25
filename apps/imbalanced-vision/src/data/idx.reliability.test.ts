import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadFashionMnist } from './fashion-mnist.js';
import { DEFAULT_IDX_DIR, decodeIdx, encodeIdx, maybeGunzip } from './idx.js';
import { embeddedSampleDir } from './sample.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

// The bad-input corpus of the IDX loader (`loadFashionMnist` → `loadIdxDataset` → `findIdxFiles`, `readIdxPair`):
// every case starts from real Fashion-MNIST files — the embedded sample (1,500 + 1,000 images, bytes unchanged from
// the original) and Debian's `dataset-fashion-mnist` copy — damaged one way, and must end in a DataFileError whose
// single line names the file and says what is wrong (with the byte counts or item where that is the location).

const TRAIN_IMAGES = 'train-images-idx3-ubyte.gz';
const TRAIN_LABELS = 'train-labels-idx1-ubyte.gz';
const TEST_IMAGES = 't10k-images-idx3-ubyte.gz';
const TEST_LABELS = 't10k-labels-idx1-ubyte.gz';
const FILES = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];

/** The decompressed bytes of one of the embedded sample's files. */
let sample: Record<string, Buffer>;

async function idxBytes(name: string): Promise<Buffer> {
  return Buffer.from((await maybeGunzip(await readFile(join(embeddedSampleDir(), name)), name)).bytes);
}

/** A copy of `bytes` whose IDX header says `shape` (same magic), keeping the data bytes as they are. */
function withShape(bytes: Buffer, shape: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  bytes.copy(header, 0, 0, 4);
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const ndims = bytes[3] as number;
  return Buffer.concat([header, bytes.subarray(4 + 4 * ndims)]);
}

interface IdxCase {
  /** What is wrong. */
  readonly name: string;
  /** The file (under the case's data directory) the message must name; `''` for the directory itself. */
  readonly file: string;
  /** Puts the damaged file in place (the directory already holds the sample's four good files). */
  readonly make: (dir: string) => Promise<void>;
  /** What the message must say besides the path. */
  readonly mention: string | RegExp;
  /** The data directory handed to the loader, relative to the case's folder (default: the folder itself). */
  readonly dataDir?: string;
}

const gz = (bytes: Uint8Array): Buffer => gzipSync(bytes);

/** The corpus: name → how it is made from real files → what the message must mention. */
const CASES: readonly IdxCase[] = [
  {
    name: 'training images truncated in the data (decompressed, cut at 60 %)',
    file: TRAIN_IMAGES,
    make: async (dir) => writeFile(join(dir, TRAIN_IMAGES), gz(sample[TRAIN_IMAGES]!.subarray(0, Math.floor(sample[TRAIN_IMAGES]!.length * 0.6)))),
    mention: /truncated: the header declares shape \[1500, 28, 28\], i\.e\. 1176016 bytes .* the decompressed content has 705609 bytes/,
  },
  {
    name: 'training images, gzip stream cut in half',
    file: TRAIN_IMAGES,
    make: async (dir) => {
      const raw = await readFile(join(embeddedSampleDir(), TRAIN_IMAGES));
      await writeFile(join(dir, TRAIN_IMAGES), raw.subarray(0, raw.length >> 1));
    },
    mention: 'gzip data is corrupt or truncated (325762 compressed bytes)',
  },
  {
    name: "Debian's real t10k-images .gz cut at 40 %",
    file: TEST_IMAGES,
    make: async (dir) => {
      const raw = await readFile(join(DEFAULT_IDX_DIR, TEST_IMAGES));
      await writeFile(join(dir, TEST_IMAGES), raw.subarray(0, Math.floor(raw.length * 0.4)));
    },
    mention: /gzip data is corrupt or truncated \(17\d{5} compressed bytes\)/,
  },
  {
    name: 'training images, gzip stream with flipped bytes in the middle',
    file: TRAIN_IMAGES,
    make: async (dir) => {
      const raw = Buffer.from(await readFile(join(embeddedSampleDir(), TRAIN_IMAGES)));
      for (let i = 1000; i < 1064; i += 1) raw[i] = (raw[i] as number) ^ 0xa5;
      await writeFile(join(dir, TRAIN_IMAGES), raw);
    },
    mention: 'gzip data is corrupt or truncated',
  },
  {
    name: 'training images with a wrong magic number',
    file: TRAIN_IMAGES,
    make: async (dir) => {
      const bytes = Buffer.from(sample[TRAIN_IMAGES]!);
      bytes.writeUInt32BE(0x12345678, 0);
      await writeFile(join(dir, TRAIN_IMAGES), gz(bytes));
    },
    mention: 'bad magic number 0x12345678: not an IDX file',
  },
  {
    name: 'training labels with a wrong magic number',
    file: TRAIN_LABELS,
    make: async (dir) => {
      const bytes = Buffer.from(sample[TRAIN_LABELS]!);
      bytes[0] = 0xff;
      await writeFile(join(dir, TRAIN_LABELS), gz(bytes));
    },
    mention: 'bad magic number 0xff000801',
  },
  {
    name: 'the label file in place of the test images',
    file: TEST_IMAGES,
    make: async (dir) => copyFile(join(embeddedSampleDir(), TEST_LABELS), join(dir, TEST_IMAGES)),
    mention: 'declares 1 dimension(s), expected 3 (magic 0x00000803); is this a label file?',
  },
  {
    name: 'images and labels that disagree in count (10 labels dropped, header fixed)',
    file: TRAIN_LABELS,
    make: async (dir) => {
      const labels = sample[TRAIN_LABELS]!;
      await writeFile(join(dir, TRAIN_LABELS), gz(withShape(labels.subarray(0, labels.length - 10), [1490])));
    },
    mention: /holds 1490 labels but .*train-images-idx3-ubyte\.gz holds 1500 images/,
  },
  {
    name: 'dims that do not match the byte count (header says 28×29)',
    file: TEST_IMAGES,
    make: async (dir) => writeFile(join(dir, TEST_IMAGES), gz(withShape(sample[TEST_IMAGES]!, [1000, 28, 29]))),
    mention: 'truncated: the header declares shape [1000, 28, 29], i.e. 812016 bytes (16-byte header + 812000 data bytes), but the decompressed content has 784016 bytes',
  },
  {
    name: 'dims that do not match the byte count (header says 500 images, data holds 1,000)',
    file: TEST_IMAGES,
    make: async (dir) => writeFile(join(dir, TEST_IMAGES), gz(withShape(sample[TEST_IMAGES]!, [500, 28, 28]))),
    mention: 'corrupt, trailing bytes: the header declares shape [500, 28, 28], i.e. 392016 bytes',
  },
  {
    name: 'a zero-byte training label file',
    file: TRAIN_LABELS,
    make: async (dir) => writeFile(join(dir, TRAIN_LABELS), ''),
    mention: 'is empty (0 bytes), expected an IDX file',
  },
  {
    name: 'a gzip file of nothing',
    file: TEST_LABELS,
    make: async (dir) => writeFile(join(dir, TEST_LABELS), gz(new Uint8Array(0))),
    mention: 'is empty (0 bytes after gunzip)',
  },
  {
    name: 'a header cut after 6 bytes',
    file: TRAIN_IMAGES,
    make: async (dir) => writeFile(join(dir, TRAIN_IMAGES), sample[TRAIN_IMAGES]!.subarray(0, 6)),
    mention: 'truncated header: 3 dimensions need 16 header bytes, the file has 6',
  },
  {
    name: 'int32 data type in the magic number',
    file: TRAIN_LABELS,
    make: async (dir) => {
      const bytes = Buffer.from(sample[TRAIN_LABELS]!);
      bytes[2] = 0x0c;
      await writeFile(join(dir, TRAIN_LABELS), bytes);
    },
    mention: 'declares int32 data; only unsigned bytes (0x08) are supported',
  },
  {
    name: 'a label outside the ten classes',
    file: TEST_LABELS,
    make: async (dir) => {
      const bytes = Buffer.from(sample[TEST_LABELS]!);
      bytes[8 + 37] = 10;
      await writeFile(join(dir, TEST_LABELS), gz(bytes));
    },
    mention: 'label 10 of item 37 (0-based) is outside the class range 0..9',
  },
  {
    name: 'a zero dimension',
    file: TRAIN_IMAGES,
    make: async (dir) => writeFile(join(dir, TRAIN_IMAGES), gz(withShape(sample[TRAIN_IMAGES]!, [1500, 0, 28]))),
    mention: 'dimension 1 is 0 in the header',
  },
  {
    name: 'test images of another size than the training images (27×27)',
    file: TEST_IMAGES,
    make: async (dir) => {
      const images = sample[TEST_IMAGES]!;
      await writeFile(join(dir, TEST_IMAGES), gz(encodeIdx({ data: images.subarray(16, 16 + 1000 * 27 * 27), shape: [1000, 27, 27] })));
    },
    mention: /images are 27×27 but the training images \(.*train-images-idx3-ubyte\.gz\) are 28×28/,
  },
  {
    name: 'images that are not 28×28 (a consistent 14×14 set)',
    file: TRAIN_IMAGES,
    make: async (dir) => {
      await writeFile(join(dir, TRAIN_IMAGES), gz(encodeIdx({ data: sample[TRAIN_IMAGES]!.subarray(16, 16 + 1500 * 196), shape: [1500, 14, 14] })));
      await writeFile(join(dir, TEST_IMAGES), gz(encodeIdx({ data: sample[TEST_IMAGES]!.subarray(16, 16 + 1000 * 196), shape: [1000, 14, 14] })));
    },
    mention: "images are 14×14; Fashion-MNIST's are 28×28",
  },
  {
    name: 'a CSV text file named like the label file',
    file: TRAIN_LABELS.replace(/\.gz$/, ''),
    make: async (dir) => {
      await rm(join(dir, TRAIN_LABELS));
      await writeFile(join(dir, TRAIN_LABELS.replace(/\.gz$/, '')), 'label\n9\n0\n0\n3\n');
    },
    mention: 'bad magic number 0x6c616265: not an IDX file',
  },
  {
    name: 'a folder named like the test label file',
    file: TEST_LABELS,
    make: async (dir) => {
      await rm(join(dir, TEST_LABELS));
      await mkdir(join(dir, TEST_LABELS));
    },
    mention: 'is a folder, expected a file',
  },
  {
    name: 'the test labels missing',
    file: '',
    make: async (dir) => rm(join(dir, TEST_LABELS)),
    mention: /no \*t10k-labels-idx1-ubyte\[\.gz\] .* \(it holds: t10k-images-idx3-ubyte\.gz, train-images-idx3-ubyte\.gz, train-labels-idx1-ubyte\.gz\)/,
  },
  {
    name: 'two files that both match the training images',
    file: '',
    make: async (dir) => copyFile(join(dir, TRAIN_IMAGES), join(dir, 'fashion-train-images-idx3-ubyte.gz')),
    mention: 'several files match *train-images-idx3-ubyte[.gz]: fashion-train-images-idx3-ubyte.gz, train-images-idx3-ubyte.gz; keep one',
  },
  {
    name: 'a file given as the data directory',
    file: TRAIN_LABELS,
    dataDir: TRAIN_LABELS,
    make: () => Promise.resolve(),
    mention: 'is a file, expected a directory of MNIST-format (IDX) files',
  },
  {
    name: 'a data directory that does not exist',
    file: 'absent',
    dataDir: 'absent',
    make: () => Promise.resolve(),
    mention: 'directory not found',
  },
];

let root: string;
beforeAll(async () => {
  root = await tempDir('idx-reliability');
  sample = Object.fromEntries(await Promise.all(FILES.map(async (name) => [name, await idxBytes(name)] as const)));
});
afterAll(removeTempDirs);

describe(`IDX loader: ${CASES.length} bad inputs made from real Fashion-MNIST files`, () => {
  it.each(CASES.map((c, i) => [i, c.name, c] as const))('%i %s', async (index, _name, c) => {
    const dir = join(root, `case-${index}`);
    await mkdir(dir);
    await Promise.all(FILES.map((name) => copyFile(join(embeddedSampleDir(), name), join(dir, name))));
    await c.make(dir);
    const error = await loadFashionMnist(join(dir, c.dataDir ?? '')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the loader must refuse the input').toBeInstanceOf(DataFileError);
    const message = (error as DataFileError).message;
    const named = c.file === '' ? dir : join(dir, c.file);
    expect(basename((error as DataFileError).file)).toBe(basename(named));
    expect(message.startsWith(`${named}`), message).toBe(true);
    if (typeof c.mention === 'string') expect(message).toContain(c.mention);
    else expect(message).toMatch(c.mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b/);
    expect(message.length).toBeLessThan(400);
  });

  it('decodeIdx names the file it is given for bytes that come from elsewhere', () => {
    expect(() => decodeIdx(new Uint8Array(0), 'upload.idx')).toThrow('upload.idx: is empty (0 bytes), expected an IDX file');
  });
});
