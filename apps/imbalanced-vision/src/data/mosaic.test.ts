import { ConfigError } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import type { IdxDataset } from './idx.js';
import { selectImages } from './image-set.js';
import { buildMosaics, mosaicClassProbabilities } from './mosaic.js';
import { debianFashionMnist } from './test-support/fixtures.js';

let fashion: IdxDataset;

beforeAll(async () => {
  fashion = await debianFashionMnist();
});

function positives(targets: Uint8Array, count: number, C: number): number[] {
  const out = new Array<number>(C).fill(0);
  for (let m = 0; m < count; m += 1) for (let c = 0; c < C; c += 1) out[c] = (out[c] as number) + (targets[m * C + c] as number);
  return out;
}

describe('buildMosaics', () => {
  it('tiles 2×2 real images into 56×56 and labels each mosaic with exactly the classes of its tiles', () => {
    const mosaics = buildMosaics(fashion.test, { count: 300, seed: 4, imbalanceRatio: 10 });
    expect([mosaics.count, mosaics.height, mosaics.width, mosaics.channels]).toEqual([300, 56, 56, 1]);
    expect(mosaics.pixels.length).toBe(300 * 56 * 56);
    expect(mosaics.targets.length).toBe(300 * 10);
    expect(mosaics.classNames).toEqual(fashion.test.classNames);
    const cardinalities = new Set<number>();
    for (let m = 0; m < 300; m += 1) {
      const tiles = Array.from(mosaics.tiles.subarray(4 * m, 4 * m + 4));
      const present = new Set(tiles.map((i) => fashion.test.labels[i] as number));
      const labelled = Array.from(mosaics.targets.subarray(10 * m, 10 * m + 10)).flatMap((v, c) => (v === 1 ? [c] : []));
      expect(labelled).toEqual([...present].sort((a, b) => a - b));
      cardinalities.add(labelled.length);
      // quadrant t holds source image tiles[t] byte for byte
      tiles.forEach((index, t) => {
        const top = Math.floor(t / 2) * 28;
        const left = (t % 2) * 28;
        for (let y = 0; y < 28; y += 1) {
          const row = mosaics.pixels.subarray(m * 3136 + (top + y) * 56 + left, m * 3136 + (top + y) * 56 + left + 28);
          expect(Buffer.from(row).equals(Buffer.from(fashion.test.pixels.subarray(index * 784 + y * 28, index * 784 + y * 28 + 28)))).toBe(true);
        }
      });
    }
    expect(cardinalities.has(1) && cardinalities.has(3)).toBe(true);
  });

  it('is seeded: same seed same mosaics, the first k independent of count, other seeds differ', () => {
    const a = buildMosaics(fashion.test, { count: 100, seed: 1 });
    const b = buildMosaics(fashion.test, { count: 40, seed: 1 });
    const c = buildMosaics(fashion.test, { count: 40, seed: 2 });
    expect(Array.from(a.tiles.subarray(0, 160))).toEqual(Array.from(b.tiles));
    expect(Buffer.from(a.pixels.subarray(0, 40 * 3136)).equals(Buffer.from(b.pixels))).toBe(true);
    expect(Array.from(c.tiles)).not.toEqual(Array.from(b.tiles));
  });

  it('controls label imbalance with an exponential profile over class ranks', () => {
    const p = mosaicClassProbabilities(10, 100);
    expect(p.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect((p[0] as number) / (p[9] as number)).toBeCloseTo(100, 9);
    expect((p[0] as number) / (p[1] as number)).toBeCloseTo(Math.pow(100, 1 / 9), 9);
    expect(mosaicClassProbabilities(4)).toEqual([0.25, 0.25, 0.25, 0.25]);

    const count = 6000;
    const mosaics = buildMosaics(fashion.train, { count, seed: 3, imbalanceRatio: 100 });
    const observed = positives(mosaics.targets, count, 10).map((n) => n / count);
    mosaics.expectedPositiveRates.forEach((rate, c) => {
      // binomial standard error at n = 6000 is at most 0.0065; allow 4 of them
      expect(Math.abs((observed[c] as number) - rate)).toBeLessThan(0.026);
    });
    expect(observed[0] as number).toBeGreaterThan(0.8);
    expect(observed[9] as number).toBeLessThan(0.04);

    const reversed = buildMosaics(fashion.train, { count: 2000, seed: 3, imbalanceRatio: 100, classOrder: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] });
    const rates = positives(reversed.targets, 2000, 10);
    expect(rates[9] as number).toBeGreaterThan(rates[0] as number);
  });

  it('takes explicit class weights; a zero-weight class never appears', () => {
    const weights = [1, 1, 0, 0, 0, 0, 0, 0, 0, 2];
    const mosaics = buildMosaics(fashion.test, { count: 500, seed: 8, classWeights: weights });
    const counts = positives(mosaics.targets, 500, 10);
    expect(counts.slice(2, 9)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(counts[9] as number).toBeGreaterThan(counts[0] as number);
    expect(mosaics.classProbabilities).toEqual([0.25, 0.25, 0, 0, 0, 0, 0, 0, 0, 0.5]);
  });

  it('rejects a bad count, ρ < 1, bad weights and a class without images', () => {
    expect(() => buildMosaics(fashion.test, { count: 0, seed: 1 })).toThrow('count');
    expect(() => buildMosaics(fashion.test, { count: 5, seed: 1, imbalanceRatio: 0.9 })).toThrow('imbalanceRatio');
    expect(() => buildMosaics(fashion.test, { count: 5, seed: 1, classWeights: [1, 2] })).toThrow('has 2 entries for 10 classes');
    expect(() => buildMosaics(fashion.test, { count: 5, seed: 1, classWeights: new Array<number>(10).fill(0) })).toThrow('must not all be zero');
    expect(() => buildMosaics(fashion.test, { count: 5, seed: 1, classOrder: [0, 1] })).toThrow(ConfigError);
    const noBags = selectImages(fashion.test, Array.from({ length: 200 }, (_, i) => i).filter((i) => fashion.test.labels[i] !== 8));
    expect(() => buildMosaics(noBags, { count: 5, seed: 1 })).toThrow('class 8 ("Bag") has no images');
  });
});
