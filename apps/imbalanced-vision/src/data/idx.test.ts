import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FASHION_MNIST_CLASSES } from './fashion-mnist.js';
import { classCounts } from './image-set.js';
import {
  DEFAULT_IDX_DIR,
  decodeIdx,
  encodeIdx,
  findIdxFiles,
  loadIdxDataset,
  readIdxFile,
  readIdxPair,
  writeIdxFile,
  type IdxDataset,
} from './idx.js';
import { debianFashionMnist, removeTempDirs, tempDir } from './test-support/fixtures.js';

// Reference values computed outside this code base, with Python's gzip and hashlib on Debian's files:
// sha256(gzip.open(f).read()[16:]) and sum(...) over every pixel byte.
const TRAIN_PIXELS_SHA256 = '2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012';
const TEST_PIXELS_SHA256 = 'c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a';
const TRAIN_PIXEL_SUM = 3_431_114_169;
const TEST_PIXEL_SUM = 573_469_082;

function sum(values: Uint8Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

let fashion: IdxDataset;
let dir: string;

beforeAll(async () => {
  fashion = await debianFashionMnist();
  dir = await tempDir('idx');
});
afterAll(removeTempDirs);

/** The first `n` real training images and labels as an images file and a labels file in `dir`. */
async function writeRealPair(name: string, n: number, options: { gzip?: boolean } = {}): Promise<{ images: string; labels: string }> {
  const images = join(dir, `${name}-images-idx3-ubyte${options.gzip === true ? '.gz' : ''}`);
  const labels = join(dir, `${name}-labels-idx1-ubyte${options.gzip === true ? '.gz' : ''}`);
  await writeIdxFile(images, { data: fashion.train.pixels.subarray(0, n * 784), shape: [n, 28, 28] });
  await writeIdxFile(labels, { data: Uint8Array.from(fashion.train.labels.subarray(0, n)), shape: [n] });
  return { images, labels };
}

describe('Fashion-MNIST from Debian', () => {
  it('has 60,000 training and 10,000 test images of 28×28, labels 0–9, balanced', () => {
    expect(fashion.files.trainImages).toBe(join(DEFAULT_IDX_DIR, 'train-images-idx3-ubyte.gz'));
    expect([fashion.train.count, fashion.train.height, fashion.train.width, fashion.train.channels]).toEqual([60_000, 28, 28, 1]);
    expect([fashion.test.count, fashion.test.height, fashion.test.width, fashion.test.channels]).toEqual([10_000, 28, 28, 1]);
    expect(fashion.train.pixels.length).toBe(60_000 * 784);
    expect(fashion.train.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(classCounts(fashion.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(fashion.test.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(Array.from(fashion.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(fashion.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('matches the pixel checksums computed independently', () => {
    expect(createHash('sha256').update(fashion.train.pixels).digest('hex')).toBe(TRAIN_PIXELS_SHA256);
    expect(createHash('sha256').update(fashion.test.pixels).digest('hex')).toBe(TEST_PIXELS_SHA256);
    expect(sum(fashion.train.pixels)).toBe(TRAIN_PIXEL_SUM);
    expect(sum(fashion.test.pixels)).toBe(TEST_PIXEL_SUM);
    // image 0 (an ankle boot): row-major, pixel (14, 14)
    expect(fashion.train.pixels[14 * 28 + 14]).toBe(217);
    expect(sum(fashion.train.pixels.subarray(0, 784))).toBe(76_247);
  });
});

describe('writeIdxFile / readIdxFile', () => {
  it('round-trips real images, plain and gzip; gzip is detected by its magic bytes, not the name', async () => {
    const plain = join(dir, 'plain-idx3');
    await writeIdxFile(plain, { data: fashion.train.pixels.subarray(0, 5 * 784), shape: [5, 28, 28] });
    const raw = await readFile(plain);
    expect(Array.from(raw.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(raw.length).toBe(16 + 5 * 784);

    const misnamed = join(dir, 'gzip-without-extension');
    await writeIdxFile(misnamed, { data: fashion.train.pixels.subarray(0, 5 * 784), shape: [5, 28, 28] }, { gzip: true });
    const compressed = await readFile(misnamed);
    expect([compressed[0], compressed[1]]).toEqual([0x1f, 0x8b]);
    for (const path of [plain, misnamed]) {
      const back = await readIdxFile(path, 3);
      expect(back.shape).toEqual([5, 28, 28]);
      expect(Buffer.from(back.data).equals(Buffer.from(fashion.train.pixels.subarray(0, 5 * 784)))).toBe(true);
    }
  });

  it('reads a directory of real pairs with a prefix and test- names', async () => {
    const sub = join(dir, 'prefixed');
    await writeIdxFile(join(sub, 'mini-train-images-idx3-ubyte.gz'), { data: fashion.train.pixels.subarray(0, 30 * 784), shape: [30, 28, 28] });
    await writeIdxFile(join(sub, 'mini-train-labels-idx1-ubyte.gz'), { data: Uint8Array.from(fashion.train.labels.subarray(0, 30)), shape: [30] });
    await writeIdxFile(join(sub, 'mini-test-images-idx3-ubyte'), { data: fashion.test.pixels.subarray(0, 7 * 784), shape: [7, 28, 28] });
    await writeIdxFile(join(sub, 'mini-test-labels-idx1-ubyte'), { data: Uint8Array.from(fashion.test.labels.subarray(0, 7)), shape: [7] });
    const data = await loadIdxDataset(sub);
    expect(data.train.count).toBe(30);
    expect(data.test.count).toBe(7);
    expect(data.train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Array.from(data.test.labels)).toEqual(Array.from(fashion.test.labels.subarray(0, 7)));
  });
});

describe('bad IDX files', () => {
  it('a truncated file names the file and the expected and actual sizes', async () => {
    const { images } = await writeRealPair('short', 20);
    const bytes = await readFile(images);
    const truncated = join(dir, 'truncated-images-idx3-ubyte');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 100));
    const error = await readIdxFile(truncated, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(truncated);
    expect((error as Error).message).toContain('truncated');
    expect((error as Error).message).toContain(`${16 + 20 * 784} bytes`);
    expect((error as Error).message).toContain(`file has ${16 + 20 * 784 - 100} bytes`);
  });

  it('a truncated gzip file is a DataFileError naming the file', async () => {
    const { images } = await writeRealPair('gz', 20, { gzip: true });
    const bytes = await readFile(images);
    const cut = join(dir, 'cut-images-idx3-ubyte.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readIdxFile(cut, 3)).rejects.toThrow(new RegExp(`^${cut}: gzip data is corrupt or truncated`));
  });

  it('a gzip file whose content is cut reports the decompressed size', async () => {
    const whole = encodeIdx({ data: fashion.train.pixels.subarray(0, 3 * 784), shape: [3, 28, 28] });
    const path = join(dir, 'short-content-images-idx3-ubyte.gz');
    await writeFile(path, gzipSync(whole.subarray(0, whole.length - 1)));
    await expect(readIdxFile(path, 3)).rejects.toThrow(`but the decompressed content has ${whole.length - 1} bytes`);
  });

  it('trailing bytes are an error', () => {
    const whole = encodeIdx({ data: fashion.train.pixels.subarray(0, 784), shape: [1, 28, 28] });
    const longer = new Uint8Array(whole.length + 3);
    longer.set(whole);
    expect(() => decodeIdx(longer, 'x.idx', 3)).toThrow('corrupt, trailing bytes');
  });

  it('a wrong magic number names the file and the magic found', async () => {
    const { images, labels } = await writeRealPair('magic', 10);
    const bytes = Buffer.from(await readFile(images));
    bytes[0] = 0x12;
    const bad = join(dir, 'bad-magic-images-idx3-ubyte');
    await writeFile(bad, bytes);
    await expect(readIdxFile(bad, 3)).rejects.toThrow(`${bad}: bad magic number 0x12000803`);
    // a label file where images are expected
    await expect(readIdxFile(labels, 3)).rejects.toThrow(/magic number 0x00000801 declares 1 dimension\(s\), expected 3.*label file/);
    // float data
    const float = Buffer.from(bytes);
    float[0] = 0;
    float[2] = 0x0d;
    expect(() => decodeIdx(float, 'f.idx')).toThrow('declares float32 data; only unsigned bytes');
    // not an IDX file at all
    expect(() => decodeIdx(Buffer.from('PK\u0003\u0004 a zip file'), 'z.idx')).toThrow('z.idx: bad magic number 0x504b0304');
    expect(() => decodeIdx(new Uint8Array([0, 0]), 'tiny')).toThrow('too short');
  });

  it('an images/labels count mismatch names the label file and both counts', async () => {
    const { images } = await writeRealPair('count', 12);
    const labels = join(dir, 'count-short-labels-idx1-ubyte');
    await writeIdxFile(labels, { data: Uint8Array.from(fashion.train.labels.subarray(0, 11)), shape: [11] });
    await expect(readIdxPair(images, labels)).rejects.toThrow(`${labels}: holds 11 labels but ${images} holds 12 images`);
  });

  it('a label outside the class range names the item', async () => {
    const { images, labels } = await writeRealPair('range', 12);
    // item 0 is an ankle boot (9)
    await expect(readIdxPair(images, labels, 9)).rejects.toThrow(`${labels}: label 9 of item 0 (0-based) is outside the class range 0..8`);
    await expect(readIdxPair(images, labels, 10)).resolves.toMatchObject({ count: 12 });
  });

  it('missing, ambiguous and absent files name the directory', async () => {
    await expect(findIdxFiles(join(dir, 'nope'))).rejects.toThrow('directory not found');
    const sub = join(dir, 'half');
    await writeIdxFile(join(sub, 'train-images-idx3-ubyte'), { data: new Uint8Array(784), shape: [1, 28, 28] });
    await expect(findIdxFiles(sub)).rejects.toThrow(/no \*train-labels-idx1-ubyte\[\.gz\] file in this directory \(it holds: train-images-idx3-ubyte\)/);
    await writeIdxFile(join(sub, 'train-images-idx3-ubyte.gz'), { data: new Uint8Array(784), shape: [1, 28, 28] });
    await expect(findIdxFiles(sub)).rejects.toThrow('several files match *train-images-idx3-ubyte[.gz]');
    await expect(readIdxFile(join(dir, 'missing.gz'))).rejects.toThrow('missing.gz: file not found');
  });
});
