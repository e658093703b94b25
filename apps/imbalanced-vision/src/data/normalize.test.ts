import { ConfigError } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import type { IdxDataset } from './idx.js';
import { fitChannelStats, normalizePixels } from './normalize.js';
import { debianFashionMnist } from './test-support/fixtures.js';

let fashion: IdxDataset;

beforeAll(async () => {
  fashion = await debianFashionMnist();
});

describe('fitChannelStats', () => {
  it('gives Fashion-MNIST training mean 0.2860 and std 0.3530', () => {
    const stats = fitChannelStats(fashion.train);
    // reference from Python over the same bytes: 0.2860405969887955, 0.35302424451492254
    expect(stats.mean[0]).toBeCloseTo(0.2860405969887955, 12);
    expect(stats.std[0]).toBeCloseTo(0.35302424451492254, 12);
  });

  it('keeps channels apart', () => {
    const n = 1000 * 784;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i += 1) {
      const v = fashion.test.pixels[i] as number;
      rgb.set([v, 255 - v, v >> 1], 3 * i);
    }
    const stats = fitChannelStats({ pixels: rgb, count: 1000, height: 28, width: 28, channels: 3 });
    const grey = fitChannelStats({ pixels: fashion.test.pixels.subarray(0, n), count: 1000, height: 28, width: 28, channels: 1 });
    expect(stats.mean[0]).toBeCloseTo(grey.mean[0] as number, 12);
    expect(stats.mean[1]).toBeCloseTo(1 - (grey.mean[0] as number), 12);
    expect(stats.std[1]).toBeCloseTo(grey.std[0] as number, 12);
    expect(stats.mean[2]).toBeLessThan(0.5 * (grey.mean[0] as number) + 1e-9);
  });

  it('rejects no images and a constant channel', () => {
    expect(() => fitChannelStats({ pixels: new Uint8Array(0), count: 0, height: 28, width: 28, channels: 1 })).toThrow(ConfigError);
    expect(() => fitChannelStats({ pixels: new Uint8Array(784).fill(3), count: 1, height: 28, width: 28, channels: 1 })).toThrow(
      'channel 0 is constant',
    );
  });
});

describe('normalizePixels', () => {
  it('normalised training pixels have mean 0 and std 1; without statistics values are /255', () => {
    const stats = fitChannelStats(fashion.train);
    const values = normalizePixels(fashion.train.pixels.subarray(0, 6000 * 784), 1, stats);
    let sum = 0;
    let squares = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
    }
    const all = fitChannelStats({ ...fashion.train, count: 6000, pixels: fashion.train.pixels.subarray(0, 6000 * 784) });
    const mean = sum / values.length;
    // on a slice, mean and std follow from the slice's own statistics
    expect(mean).toBeCloseTo(((all.mean[0] as number) - (stats.mean[0] as number)) / (stats.std[0] as number), 4);
    expect(Math.sqrt(squares / values.length - mean * mean)).toBeCloseTo((all.std[0] as number) / (stats.std[0] as number), 4);
    const raw = normalizePixels(Uint8Array.from([0, 51, 255]), 1);
    expect(Array.from(raw)).toEqual([0, Math.fround(0.2), 1]);
    const rgb = normalizePixels(Uint8Array.from([255, 0, 255]), 3, { mean: [0.5, 0, 1], std: [0.5, 1, 2] });
    expect(Array.from(rgb)).toEqual([1, 0, 0]);
    expect(() => normalizePixels(Uint8Array.from([1]), 1, { mean: [0, 0], std: [1, 1] })).toThrow('normalization');
    expect(() => normalizePixels(Uint8Array.from([1]), 1, { mean: [0], std: [0] })).toThrow('normalization.std[0]');
  });
});
