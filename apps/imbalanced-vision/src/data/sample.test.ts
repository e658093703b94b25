import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FASHION_MNIST_CLASSES, loadFashionMnist } from './fashion-mnist.js';
import type { IdxDataset } from './idx.js';
import { classCounts, type LabeledImages } from './image-set.js';
import { EMBEDDED_SAMPLE_SIZE, embeddedSampleDir, firstPerClass, writeFashionMnistSample } from './sample.js';
import { debianFashionMnist, removeTempDirs, tempDir } from './test-support/fixtures.js';

let full: IdxDataset;
let sample: IdxDataset;

beforeAll(async () => {
  full = await debianFashionMnist();
  sample = await loadFashionMnist(embeddedSampleDir());
});
afterAll(removeTempDirs);

/** Walks the full split in file order, taking an image while its class has fewer than `perClass` taken. */
function expectFirstPerClass(part: LabeledImages, source: LabeledImages, perClass: number): void {
  const taken = new Array<number>(10).fill(0);
  let next = 0;
  for (let i = 0; i < source.count && next < part.count; i += 1) {
    const label = source.labels[i] as number;
    if ((taken[label] as number) >= perClass) continue;
    taken[label] = (taken[label] as number) + 1;
    expect(part.labels[next]).toBe(label);
    const same = Buffer.from(part.pixels.subarray(next * 784, (next + 1) * 784)).equals(Buffer.from(source.pixels.subarray(i * 784, (i + 1) * 784)));
    if (!same) expect.fail(`sample image ${next} differs from source image ${i}`);
    next += 1;
  }
  expect(next).toBe(part.count);
}

describe('the embedded Fashion-MNIST sample', () => {
  it('holds the first 150 training and 100 test images of every class, 28×28', async () => {
    expect(await readdir(embeddedSampleDir())).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    expect(EMBEDDED_SAMPLE_SIZE).toEqual({ trainPerClass: 150, testPerClass: 100 });
    expect([sample.train.count, sample.test.count]).toEqual([1500, 1000]);
    expect([sample.train.height, sample.train.width, sample.train.channels]).toEqual([28, 28, 1]);
    expect(sample.train.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(classCounts(sample.train.labels, 10)).toEqual(new Array(10).fill(150));
    expect(classCounts(sample.test.labels, 10)).toEqual(new Array(10).fill(100));
  });

  it('matches the full data set image for image, byte for byte', () => {
    expectFirstPerClass(sample.train, full.train, 150);
    expectFirstPerClass(sample.test, full.test, 100);
  });

  it('is reproduced exactly by writeFashionMnistSample (decompressed bytes)', async () => {
    const out = await tempDir('sample');
    const written = await writeFashionMnistSample(undefined, out);
    expect(Array.from(written.trainRows)).toEqual(Array.from(firstPerClass(full.train.labels, 10, 150)));
    expect(written.trainRows.at(-1)).toBe(1577);
    for (const name of await readdir(embeddedSampleDir())) {
      const shipped = gunzipSync(await readFile(join(embeddedSampleDir(), name)));
      const rebuilt = gunzipSync(await readFile(join(out, name)));
      expect(createHash('sha256').update(rebuilt).digest('hex')).toBe(createHash('sha256').update(shipped).digest('hex'));
    }
  });

  it('stays around 1 MB', async () => {
    let bytes = 0;
    for (const name of await readdir(embeddedSampleDir())) bytes += (await readFile(join(embeddedSampleDir(), name))).length;
    expect(bytes).toBeLessThan(1_200_000);
  });

  it('firstPerClass rejects a class that is too small', () => {
    expect(() => firstPerClass(Int32Array.from([0, 1, 0]), 2, 2)).toThrow('class 1 has 1 images, fewer than 2');
  });
});
