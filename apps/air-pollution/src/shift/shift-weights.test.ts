import type { Matrix } from '@counterweight/reweighting';
import { SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { effectiveSampleSize } from './effective-sample-size.js';
import { shiftWeights, WEIGHTING_NAMES } from './shift-weights.js';

/** `n` rows of N(mean, I₂). */
function gaussian(n: number, mean: readonly [number, number], random: SeededRandom): Matrix {
  return { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, (_, k) => random.normal(mean[k % 2], 1)) };
}

function weightedMean(x: Matrix, w: ArrayLike<number>, col: number): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.rows; i++) {
    num += w[i]! * x.data[i * x.cols + col]!;
    den += w[i]!;
  }
  return num / den;
}

describe('effectiveSampleSize', () => {
  it('is n for equal weights, 1 for a single nonzero weight, (Σw)²/Σw² otherwise', () => {
    expect(effectiveSampleSize([2, 2, 2, 2])).toBe(4);
    expect(effectiveSampleSize([0, 5, 0])).toBe(1);
    expect(effectiveSampleSize([1, 2, 3])).toBeCloseTo(36 / 14, 12);
    expect(effectiveSampleSize([])).toBeNaN();
  });
});

describe('shiftWeights on a Gaussian mean shift (source N(0, I), target N((0.6, 0), I))', () => {
  const options = { kernelRows: 150, dwD: 4, dwRank: 60 };
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every weighting has mean 1; the weighted source mean moves most of the way to the target's`, () => {
      const random = SeededRandom.fromSeed(seed, 'shift-weights-test');
      const source = gaussian(400, [0, 0], random);
      const target = gaussian(200, [0.6, 0], random);
      const plain = weightedMean(source, new Float64Array(source.rows).fill(1), 0);
      for (const name of WEIGHTING_NAMES) {
        const w = shiftWeights(name, source, target, { ...options, seed });
        expect(w.weights).toHaveLength(400);
        expect(w.weights.reduce((a, b) => a + b, 0) / 400).toBeCloseTo(1, 4);
        expect(w.effectiveSampleSize).toBeCloseTo(effectiveSampleSize(w.weights), 6);
        if (name === 'none') {
          expect(w.effectiveSampleSize).toBeCloseTo(400, 6);
          continue;
        }
        // the shift is along the first axis only: the weighted mean closes ≥ 50 % of the gap there
        const moved = weightedMean(source, w.weights, 0);
        expect(Math.abs(moved - 0.6), name).toBeLessThan(0.5 * Math.abs(plain - 0.6));
        expect(w.effectiveSampleSize, name).toBeLessThan(400);
      }
    });
  }

  it('names the bad option', () => {
    const random = SeededRandom.fromSeed(0);
    const s = gaussian(20, [0, 0], random);
    expect(() => shiftWeights('kliep', s, s, { kernelRows: 5 })).toThrow(/--kernel-rows: must be an integer ≥ 10, got 5/);
    expect(() => shiftWeights('dw', s, s, { dwD: 0.5 })).toThrow(/--dw-d: must be a number ≥ 1, got 0.5/);
  });

  it('gives the same weights for the same seed', () => {
    const random = SeededRandom.fromSeed(4);
    const source = gaussian(300, [0, 0], random);
    const target = gaussian(150, [0.6, 0], random);
    expect(shiftWeights('dw', source, target, { ...options, seed: 9 }).weights).toEqual(shiftWeights('dw', source, target, { ...options, seed: 9 }).weights);
  });
});
