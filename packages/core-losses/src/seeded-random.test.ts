import { describe, expect, it } from 'vitest';

import { seededUniform } from './seeded-random.js';

const draws = (seed: number, n: number): number[] => {
  const random = seededUniform(seed);
  return Array.from({ length: n }, () => random());
};

describe('seededUniform', () => {
  it('gives the same stream for the same seed and a different one for another seed, taken modulo 2^32', () => {
    expect(draws(7, 50)).toEqual(draws(7, 50));
    expect(draws(7, 50)).not.toEqual(draws(8, 50));
    expect(draws(2 ** 32 + 7, 50)).toEqual(draws(7, 50));
  });

  it('draws in [0, 1), evenly over ten bins (chi-square, 9 degrees of freedom, below its 99.9 % quantile 27.88)', () => {
    const n = 100_000;
    const bins = new Array<number>(10).fill(0);
    for (const u of draws(12345, n)) {
      expect(u >= 0 && u < 1).toBe(true);
      bins[Math.floor(u * 10)] = (bins[Math.floor(u * 10)] ?? 0) + 1;
    }
    const chiSquare = bins.reduce((s, count) => s + (count - n / 10) ** 2 / (n / 10), 0);
    expect(chiSquare).toBeLessThan(27.88);
  });
});
