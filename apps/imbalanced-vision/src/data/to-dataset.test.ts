import { disposeBatch, initBackend } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { IdxDataset } from './idx.js';
import { selectImages } from './image-set.js';
import { buildMosaics } from './mosaic.js';
import { fitChannelStats } from './normalize.js';
import { debianFashionMnist } from './test-support/fixtures.js';
import { imagesToDataset, multiLabelToDataset } from './to-dataset.js';

let fashion: IdxDataset;

beforeAll(async () => {
  fashion = await debianFashionMnist();
  await initBackend('cpu', { log: null });
});

describe('to InMemoryDataset', () => {
  it('single-label: NHWC float inputs, int32 class ids, batches as tensors', () => {
    const images = selectImages(fashion.test, [0, 1, 2, 3]);
    const stats = fitChannelStats(fashion.train);
    const dataset = imagesToDataset(images, { normalization: stats, weights: Float32Array.from([1, 2, 3, 4]) });
    expect(dataset.size).toBe(4);
    const batch = dataset.gather(Int32Array.from([2, 0]));
    try {
      expect((batch.inputs as tf.Tensor).shape).toEqual([2, 28, 28, 1]);
      expect(batch.targets.dtype).toBe('int32');
      expect(Array.from(batch.targets.dataSync())).toEqual([1, 9]);
      expect(Array.from(batch.weights?.dataSync() ?? [])).toEqual([3, 1]);
      const pixel = (batch.inputs as tf.Tensor).dataSync()[784 + 14 * 28 + 14] as number;
      expect(pixel).toBeCloseTo(((fashion.test.pixels[14 * 28 + 14] as number) / 255 - (stats.mean[0] as number)) / (stats.std[0] as number), 5);
    } finally {
      disposeBatch(batch);
    }
    expect(() => imagesToDataset(images, { pixels: new Uint8Array(3) })).toThrow('pixels');
  });

  it('multi-label: float 0/1 targets of width C', () => {
    const mosaics = buildMosaics(fashion.test, { count: 6, seed: 1 });
    const dataset = multiLabelToDataset(mosaics);
    expect(dataset.targets.shape).toEqual([10]);
    expect(dataset.targets.values).toBeInstanceOf(Float32Array);
    expect(Array.from(dataset.targets.values)).toEqual(Array.from(mosaics.targets));
    const inputs = dataset.inputs as { values: Float32Array; shape: readonly number[] };
    expect(inputs.shape).toEqual([56, 56, 1]);
    expect(inputs.values[100]).toBeCloseTo((mosaics.pixels[100] as number) / 255, 6);
  });
});
