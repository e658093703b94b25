import { ConfigError } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import { augmentEpoch, augmentImage, augmentParams, augmentRows, augmentedDataset, type AugmentParams } from './augment.js';
import type { IdxDataset } from './idx.js';
import { selectImages, type LabeledImages } from './image-set.js';
import { fitChannelStats, normalizePixels } from './normalize.js';
import { debianFashionMnist } from './test-support/fixtures.js';

let fashion: IdxDataset;
let small: LabeledImages;

beforeAll(async () => {
  fashion = await debianFashionMnist();
  small = selectImages(fashion.train, Int32Array.from({ length: 500 }, (_, i) => i * 7));
});

/**
 * Reference implementation, written differently on purpose: build the zero-padded (H+2p)×(W+2p) image, cut the
 * H×W window at (dy, dx), then reverse each row when flipped.
 */
function reference(src: Uint8Array, H: number, W: number, C: number, p: number, params: AugmentParams): number[] {
  const PW = W + 2 * p;
  const padded = new Array<number>((H + 2 * p) * PW * C).fill(0);
  for (let y = 0; y < H; y += 1) for (let x = 0; x < W; x += 1) for (let c = 0; c < C; c += 1) padded[((y + p) * PW + x + p) * C + c] = src[(y * W + x) * C + c] as number;
  const rows: number[][][] = [];
  for (let y = 0; y < H; y += 1) {
    const row: number[][] = [];
    for (let x = 0; x < W; x += 1) row.push(padded.slice(((y + params.dy) * PW + x + params.dx) * C, ((y + params.dy) * PW + x + params.dx) * C + C));
    rows.push(params.flip ? row.reverse() : row);
  }
  return rows.flat(2);
}

function image(set: LabeledImages, i: number): Uint8Array {
  const size = set.height * set.width * set.channels;
  return set.pixels.subarray(i * size, (i + 1) * size);
}

describe('augmentImage geometry', () => {
  it('matches the pad-crop-flip reference for every offset and both flips (grey, 28×28, padding 4)', () => {
    const src = image(fashion.train, 0);
    const dst = new Uint8Array(784);
    for (let dy = 0; dy <= 8; dy += 1) {
      for (let dx = 0; dx <= 8; dx += 1) {
        for (const flip of [false, true]) {
          augmentImage(src, dst, { height: 28, width: 28, channels: 1 }, { dy, dx, flip }, 4);
          expect(Array.from(dst)).toEqual(reference(src, 28, 28, 1, 4, { dy, dx, flip }));
        }
      }
    }
  });

  it('handles several channels and non-square images', () => {
    // a real image as a 14×56 three-channel picture (channel 1 and 2 shifted copies)
    const src = new Uint8Array(14 * 56 * 3);
    for (let i = 0; i < 14 * 56; i += 1) {
      const v = fashion.train.pixels[i] as number;
      src.set([v, 255 - v, (v * 7) % 256], 3 * i);
    }
    const dst = new Uint8Array(src.length);
    for (const params of [
      { dy: 0, dx: 6, flip: true },
      { dy: 3, dx: 3, flip: false },
      { dy: 6, dx: 0, flip: true },
    ]) {
      augmentImage(src, dst, { height: 14, width: 56, channels: 3 }, params, 3);
      expect(Array.from(dst)).toEqual(reference(src, 14, 56, 3, 3, params));
    }
  });

  it('the centre window without flip is the identity; a flip is a mirror; the border is zero', () => {
    const src = image(fashion.train, 3);
    const dst = new Uint8Array(784);
    augmentImage(src, dst, { height: 28, width: 28, channels: 1 }, { dy: 4, dx: 4, flip: false }, 4);
    expect(Buffer.from(dst).equals(Buffer.from(src))).toBe(true);
    augmentImage(src, dst, { height: 28, width: 28, channels: 1 }, { dy: 4, dx: 4, flip: true }, 4);
    for (let y = 0; y < 28; y += 1) expect(dst[y * 28]).toBe(src[y * 28 + 27]);
    // shifted fully down-right by 4: the first 4 rows and columns are padding
    augmentImage(src, dst, { height: 28, width: 28, channels: 1 }, { dy: 0, dx: 0, flip: false }, 4);
    for (let i = 0; i < 4 * 28; i += 1) expect(dst[i]).toBe(0);
    expect(dst[4 * 28 + 4]).toBe(src[0]);
    expect(dst[27 * 28 + 27]).toBe(src[23 * 28 + 23]);
  });
});

describe('seeded per (seed, epoch, row)', () => {
  it('draws every offset in 0..2p and flips about half the time', () => {
    const seen = new Set<string>();
    let flips = 0;
    for (let row = 0; row < 4000; row += 1) {
      const p = augmentParams({ seed: 1 }, 0, row);
      expect(p.dy >= 0 && p.dy <= 8 && p.dx >= 0 && p.dx <= 8).toBe(true);
      seen.add(`${p.dy},${p.dx}`);
      if (p.flip) flips += 1;
    }
    expect(seen.size).toBe(81);
    expect(flips / 4000).toBeGreaterThan(0.46);
    expect(flips / 4000).toBeLessThan(0.54);
    expect(augmentParams({ seed: 1, padding: 0, flip: false }, 3, 9)).toEqual({ dy: 0, dx: 0, flip: false });
  });

  it('gives the same pixels for a row whatever the batch, order or call; other epochs and seeds differ', () => {
    const epoch = augmentEpoch(small, 2, { seed: 5 });
    expect(Buffer.from(augmentEpoch(small, 2, { seed: 5 })).equals(Buffer.from(epoch))).toBe(true);
    const rows = [499, 3, 250, 3];
    const batch = augmentRows(small, rows, 2, { seed: 5 });
    rows.forEach((row, r) => {
      expect(Buffer.from(batch.subarray(r * 784, (r + 1) * 784)).equals(Buffer.from(epoch.subarray(row * 784, (row + 1) * 784)))).toBe(true);
    });
    // each image of the epoch is the reference transform of its source with its own parameters
    for (const row of [0, 17, 499]) {
      expect(Array.from(epoch.subarray(row * 784, (row + 1) * 784))).toEqual(reference(image(small, row), 28, 28, 1, 4, augmentParams({ seed: 5 }, 2, row)));
    }
    const differs = (a: Uint8Array, b: Uint8Array): number => {
      let n = 0;
      for (let i = 0; i < small.count; i += 1) if (!Buffer.from(a.subarray(i * 784, (i + 1) * 784)).equals(Buffer.from(b.subarray(i * 784, (i + 1) * 784)))) n += 1;
      return n;
    };
    expect(differs(epoch, augmentEpoch(small, 3, { seed: 5 }))).toBeGreaterThan(450);
    expect(differs(epoch, augmentEpoch(small, 2, { seed: 6 }))).toBeGreaterThan(450);
  });

  it('rejects bad options and rows', () => {
    expect(() => augmentRows(small, [500], 0, { seed: 1 })).toThrow('image 500 is outside 0..499');
    expect(() => augmentRows(small, [0], -1, { seed: 1 })).toThrow(ConfigError);
    expect(() => augmentParams({ seed: 1, padding: -1 }, 0, 0)).toThrow('padding');
  });
});

describe('augmentedDataset', () => {
  it('keeps rows and targets, augments then normalises with the training statistics', () => {
    const stats = fitChannelStats(small);
    const dataset = augmentedDataset(small, 1, { seed: 9, normalization: stats });
    expect(dataset.size).toBe(500);
    expect(Array.from(dataset.targets.values)).toEqual(Array.from(small.labels));
    expect(dataset.targets.shape).toEqual([]);
    const inputs = dataset.inputs as { values: Float32Array; shape: readonly number[] };
    expect(inputs.shape).toEqual([28, 28, 1]);
    const expected = normalizePixels(augmentEpoch(small, 1, { seed: 9 }), 1, stats);
    expect(Buffer.from(inputs.values.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // padded pixels are 0 before normalisation
    const row = Array.from({ length: 500 }, (_, i) => i).find((i) => augmentParams({ seed: 9 }, 1, i).dy === 0) ?? -1;
    expect(inputs.values[row * 784]).toBeCloseTo((0 - (stats.mean[0] as number)) / (stats.std[0] as number), 6);
  });
});
